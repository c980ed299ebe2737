"""Demo people and communities for `manage.py seed_demo`. Safe to run twice."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Activity, Community, Membership

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in README for the demo site only

PEOPLE = [
    # email local part, name, organisation, job title, expertise
    (
        "admin",
        "Alex Morgan",
        "Central PPM Office",
        "Head of Profession",
        ["governance", "portfolio management"],
    ),
    (
        "priya",
        "Priya Shah",
        "Leeds City Council",
        "Benefits Manager",
        ["benefits realisation", "business cases"],
    ),
    (
        "tom",
        "Tom Okafor",
        "Infrastructure Projects Authority",
        "Assurance Lead",
        ["gateway reviews", "assurance"],
    ),
    (
        "hannah",
        "Hannah Lewis",
        "Government Digital Service",
        "Delivery Manager",
        ["agile", "scrum", "user research"],
    ),
    ("daniel", "Daniel Murphy", "NHS England", "PMO Director", ["pmo", "reporting", "resource planning"]),
    (
        "aisha",
        "Aisha Rahman",
        "Ministry of Justice",
        "Senior Risk Manager",
        ["risk management", "issue logs"],
    ),
    (
        "sam",
        "Sam Patel",
        "HM Revenue & Customs",
        "Portfolio Analyst",
        ["portfolio management", "prioritisation"],
    ),
    ("grace", "Grace O'Neill", "Bristol City Council", "Project Manager", ["stakeholder engagement"]),
    ("ben", "Ben Carter", "Environment Agency", "Programme Manager", ["flood defence", "capital programmes"]),
    (
        "chloe",
        "Chloe Evans",
        "Cardiff Council",
        "Change Manager",
        ["change management", "benefits realisation"],
    ),
    ("david", "David Kim", "Department for Education", "Project Officer", ["planning", "msp"]),
    ("emma", "Emma Wilson", "Highways England", "Commercial Lead", ["contracts", "procurement"]),
    ("farid", "Farid Haddad", "NHS Scotland", "PMO Analyst", ["reporting", "power bi"]),
    ("isla", "Isla Campbell", "Scottish Government", "Agile Coach", ["agile", "coaching"]),
    ("jack", "Jack Thompson", "Home Office", "Delivery Lead", ["agile", "digital delivery"]),
    ("kate", "Kate Brown", "Manchester City Council", "Project Manager", ["prince2", "planning"]),
    ("liam", "Liam Walsh", "Transport for London", "Risk Analyst", ["risk management", "monte carlo"]),
    ("maya", "Maya Singh", "DWP", "Benefits Analyst", ["benefits realisation", "evaluation"]),
    ("noah", "Noah Green", "Ministry of Defence", "Assurance Reviewer", ["assurance", "gateway reviews"]),
    ("olivia", "Olivia Hughes", "Birmingham City Council", "PMO Officer", ["pmo", "governance"]),
    ("peter", "Peter Novak", "Network Rail", "Project Controls Manager", ["earned value", "scheduling"]),
    ("rosa", "Rosa Martinez", "Welsh Government", "Programme Officer", ["msp", "stakeholder engagement"]),
]

COMMUNITIES = [
    {
        "slug": "benefits-realisation",
        "name": "Benefits Realisation",
        "purpose": "Practitioners who plan, track and prove the benefits of public-sector projects and programmes.",
        "scope": "Benefits managers, business case authors and PMO staff in the public sector.",
        "description": "We share benefits maps, profiles and realisation plans, and talk honestly about what "
        "happens after go-live.\n\n**Monthly**: a theme, a hot seat with a practitioner, and the newsletter.",
        "visibility": Community.Visibility.OPEN,
        "tags": ["benefits realisation", "business cases", "evaluation"],
        "facilitator": "priya",
        "core": ["chloe", "maya"],
        "members": ["grace", "david", "kate", "olivia", "rosa", "ben", "sam"],
        "pending": [],
    },
    {
        "slug": "project-assurance",
        "name": "Project Assurance & Gateway Reviews",
        "purpose": "A trusted space for assurance reviewers to compare notes on gateway reviews and "
        "independent assurance.",
        "scope": "Accredited reviewers and assurance leads; by request so members can speak frankly.",
        "description": "Reviewers discuss review techniques, common findings and how to write "
        "recommendations that land. What is said here stays here.",
        "visibility": Community.Visibility.CLOSED,
        "tags": ["assurance", "gateway reviews", "governance"],
        "facilitator": "tom",
        "core": ["noah"],
        "members": ["ben", "emma", "peter"],
        "pending": ["kate", "grace"],
    },
    {
        "slug": "agile-in-government",
        "name": "Agile in Government",
        "purpose": "Delivering public services with agile methods inside governance built for waterfall.",
        "scope": "Delivery managers, product owners, agile coaches and the PMs who work with them.",
        "description": "From spend controls to service assessments: how to be agile and accountable.",
        "visibility": Community.Visibility.OPEN,
        "tags": ["agile", "digital delivery", "scrum"],
        "facilitator": "hannah",
        "core": ["isla", "jack"],
        "members": ["david", "farid", "grace", "kate", "chloe"],
        "pending": [],
    },
    {
        "slug": "pmo-leads",
        "name": "PMO Leads Network",
        "purpose": "Heads of PMOs and portfolio offices sharing how they run reporting, governance and "
        "resource planning.",
        "scope": "Leaders of project, programme and portfolio offices.",
        "description": "A small closed network: templates, dashboards and candid discussion of what works.",
        "visibility": Community.Visibility.CLOSED,
        "tags": ["pmo", "reporting", "governance"],
        "facilitator": "daniel",
        "core": ["olivia"],
        "members": ["farid", "sam"],
        "pending": ["rosa"],
    },
    {
        "slug": "risk-management",
        "name": "Risk & Issue Management",
        "purpose": "Making risk management useful rather than a register nobody reads.",
        "scope": "Anyone who manages project or programme risk.",
        "description": "Quantitative risk analysis, risk workshops, and how to get boards to act on risks.",
        "visibility": Community.Visibility.OPEN,
        "tags": ["risk management", "monte carlo", "issue logs"],
        "facilitator": "aisha",
        "core": ["liam"],
        "members": ["peter", "ben", "emma", "noah"],
        "pending": [],
    },
]

PROPOSALS = [
    {
        "slug": "portfolio-management",
        "name": "Portfolio Management Forum",
        "purpose": "Prioritising and balancing portfolios of change across an organisation.",
        "scope": "Portfolio managers and analysts.",
        "visibility": Community.Visibility.OPEN,
        "tags": ["portfolio management", "prioritisation"],
        "proposer": "sam",
    }
]


def _email(local):
    return f"{local}@example.com"


def seed_people():
    User = get_user_model()
    people = {}
    for local, name, organisation, title, expertise in PEOPLE:
        user, created = User.objects.get_or_create(
            email=_email(local),
            defaults={
                "display_name": name,
                "organisation": organisation,
                "job_title": title,
                "bio": f"{title} at {organisation}.",
                "is_staff": local == "admin",
                "is_superuser": local == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.expertise.set(expertise)
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        people[local] = user
    return people


def seed_communities(people):
    now = timezone.now()
    communities = {}
    for index, spec in enumerate(COMMUNITIES):
        founded = now - datetime.timedelta(days=200 - index * 15)
        community, created = Community.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "purpose": spec["purpose"],
                "scope": spec["scope"],
                "description": spec["description"],
                "visibility": spec["visibility"],
                "status": Community.Status.ACTIVE,
                "proposed_by": people[spec["facilitator"]],
                "proposed_at": founded,
                "decided_by": people["admin"],
                "decided_at": founded,
            },
        )
        communities[spec["slug"]] = community
        if not created:
            continue
        community.tags.set(spec["tags"])
        roles = [(spec["facilitator"], Membership.Role.FACILITATOR, Membership.State.ACTIVE)]
        roles += [(p, Membership.Role.CORE, Membership.State.ACTIVE) for p in spec["core"]]
        roles += [(p, Membership.Role.PERIPHERAL, Membership.State.ACTIVE) for p in spec["members"]]
        roles += [(p, Membership.Role.PERIPHERAL, Membership.State.PENDING) for p in spec["pending"]]
        activities = []
        for position, (local, role, state) in enumerate(roles):
            joined = founded + datetime.timedelta(days=position * 6, hours=position)
            Membership.objects.create(
                user=people[local],
                community=community,
                role=role,
                state=state,
                joined_at=joined if state == Membership.State.ACTIVE else None,
                requested_at=now - datetime.timedelta(days=position % 3 + 1),
                request_message=(
                    "I lead reviews in my department and would value comparing notes with peers."
                    if state == Membership.State.PENDING
                    else ""
                ),
            )
            if state == Membership.State.ACTIVE:
                activities.append(
                    Activity(
                        community=community,
                        actor=people[local],
                        verb="member.joined",
                        summary=f"{people[local].name} joined",
                        url=people[local].get_absolute_url(),
                        created_at=min(joined, now),
                    )
                )
        Activity.objects.bulk_create(activities)
        community.last_activity_at = max(a.created_at for a in activities)
        community.save(update_fields=["last_activity_at"])
    for spec in PROPOSALS:
        community, created = Community.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "purpose": spec["purpose"],
                "scope": spec["scope"],
                "visibility": spec["visibility"],
                "status": Community.Status.PROPOSED,
                "proposed_by": people[spec["proposer"]],
            },
        )
        if created:
            community.tags.set(spec["tags"])
        communities[spec["slug"]] = community
    return communities


def seed(world):
    people = seed_people()
    communities = seed_communities(people)
    return {**world, "people": people, "communities": communities}
