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


def seed_repertoire(people, communities):
    """Toolkits with versions, links, a job, articles of the month, a current and a past theme, and
    meetings with notes. Real small PDF, Word, CSV and Markdown files are made in code. Skipped for a
    community that already has documents, so running it twice changes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import Document, Meeting, Rsvp
    from .repertoire import services as repertoire
    from .samplefiles import make_docx, make_pdf, make_text

    def file(name, data):
        return SimpleUploadedFile(name, data)

    today = timezone.localdate()
    now = timezone.now()
    benefits = communities["benefits-realisation"]
    if not Document.objects.filter(community=benefits).exists():
        priya, chloe, maya, grace = (people[k] for k in ("priya", "chloe", "maya", "grace"))
        current = repertoire.create_theme(
            priya, benefits, title="Benefits after go-live",
            starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=20),
            description="For four weeks we look at what happens to benefits once the project team has gone: "
            "who owns them, how they are measured, and how to keep the board interested.\n\n"
            "- Share your **realisation plans** and what went wrong\n- Join the webinar\n- Ask the hot seat expert",
        )  # fmt: skip
        past = repertoire.create_theme(
            priya, benefits, title="Writing a benefits profile",
            starts_on=today - datetime.timedelta(days=100), ends_on=today - datetime.timedelta(days=70),
            description="How to write a benefits profile a finance director will sign: measures, baselines, "
            "owners and dis-benefits.",
        )  # fmt: skip
        toolkit = repertoire.upload_document(
            priya, benefits, title="Benefits realisation toolkit", kind=Document.Kind.TOOLKIT,
            tags=["benefits realisation", "toolkit"], theme=current,
            description="A step-by-step toolkit: benefits map, profiles, realisation plan and review. Used on "
            "more than thirty council programmes.",
            upload=file("benefits-toolkit.pdf", make_pdf([
                "Benefits realisation toolkit", "1. Draw the benefits map from objectives to enablers",
                "2. Write a profile for each benefit: measure, baseline, owner", "3. Plan realisation reviews",
            ])),
        )  # fmt: skip
        repertoire.add_version(
            priya, toolkit, note="Updated for the 2026 Green Book guidance",
            upload=file("benefits-toolkit-2026.pdf", make_pdf([
                "Benefits realisation toolkit (2026 edition)", "1. Draw the benefits map",
                "2. Write benefit profiles with a clear baseline", "3. Review realisation after go-live",
                "New: a section on dis-benefits and wellbeing measures",
            ])),
        )  # fmt: skip
        profile = repertoire.upload_document(
            chloe, benefits, title="Benefit profile template", kind=Document.Kind.TEMPLATE,
            tags=["business cases", "template"], theme=past,
            description="A one-page profile for each benefit. Fill in the yellow boxes.",
            upload=file("benefit-profile.docx", make_docx("Benefit profile", [
                "Benefit:", "Owner:", "Measure and baseline:", "Target and date:", "Dis-benefits:",
            ])),
        )  # fmt: skip
        repertoire.add_version(
            chloe, profile, note="Added a line for dependencies",
            upload=file("benefit-profile-v2.docx", make_docx("Benefit profile (v2)", [
                "Benefit:", "Owner:", "Measure and baseline:", "Target and date:", "Dependencies:",
                "Dis-benefits:",
            ])),
        )  # fmt: skip
        lessons = repertoire.upload_document(
            maya, benefits, title="Lessons learned: benefits after go-live", kind=Document.Kind.GUIDE,
            tags=["lessons learned", "evaluation"], theme=current,
            description="Ten lessons from evaluating benefits two years after go-live.",
            upload=file("lessons-after-go-live.md", make_text([
                "# Lessons learned", "", "1. Name a benefit owner in the business, not the project.",
                "2. Baseline before you change anything.", "3. Review at 6, 12 and 24 months.",
            ])),
        )  # fmt: skip
        repertoire.upload_document(
            grace, benefits, title="Benefits register example", kind=Document.Kind.TEMPLATE,
            tags=["template"], description="A filled-in register from a library modernisation programme.",
            upload=file("benefits-register.csv", make_text([
                "benefit,owner,measure,baseline,target",
                "Fewer staff hours on returns,Head of Libraries,hours per week,120,60",
            ])),
        )  # fmt: skip
        for title, url, why, tags in [
            ("The Green Book", "https://www.gov.uk/government/publications/the-green-book-appraisal-and-evaluation-in-central-government",
             "Central government guidance on appraisal and evaluation: the basis of every business case.",
             ["appraisal"]),
            ("The Magenta Book", "https://www.gov.uk/government/publications/the-magenta-book",
             "How to plan an evaluation, including benefits evaluation after go-live.", ["evaluation"]),
            ("Infrastructure and Projects Authority", "https://www.gov.uk/government/organisations/infrastructure-and-projects-authority",
             "Guidance, the Government Major Projects Portfolio and annual reports.", ["assurance"]),
        ]:  # fmt: skip
            repertoire.add_link(chloe, benefits, title=title, url=url, description=why, tags=tags)
        repertoire.post_job(
            maya, benefits, title="Benefits Realisation Manager", organisation="Leeds City Council",
            location="Leeds (hybrid)", closing_on=today + datetime.timedelta(days=21),
            description="Lead benefits management across the council's transformation portfolio. "
            "**Salary** £48,000–£54,000.",
        )  # fmt: skip
        repertoire.feature_article(
            priya, benefits, month=today, title="The Green Book: what changed for benefits",
            url="https://www.gov.uk/government/publications/the-green-book-appraisal-and-evaluation-in-central-government",
            introduction="The latest Green Book puts more weight on **place-based** analysis and wellbeing. "
            "Worth ten minutes before your next business case.",
        )  # fmt: skip
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        repertoire.feature_article(
            priya, benefits, month=last_month, title="Lessons learned: benefits after go-live", document=lessons,
            introduction="Maya's ten lessons, from evaluating benefits two years on.",
        )  # fmt: skip
        met = (now - datetime.timedelta(days=12)).replace(hour=10, minute=0, second=0, microsecond=0)
        meetup = repertoire.schedule_meeting(
            priya, benefits, title="Northern benefits practitioners meet-up", place="Leeds Civic Hall, Leeds LS1 1UR",
            starts_at=met, ends_at=met + datetime.timedelta(hours=3), theme=current,
            agenda="1. Welcome and introductions\n2. Chloe: profiles that finance signs\n3. Open floor: after go-live",
        )  # fmt: skip
        Meeting.objects.filter(pk=meetup.pk).update(created_at=met - datetime.timedelta(days=20))
        repertoire.post_meeting_notes(
            priya, meetup,
            "## What we discussed\n\n- Benefit owners must sit in the business, not the project.\n"
            "- Baselines are the step most often skipped.\n\n## Actions\n\n- Chloe to share the profile template "
            "(done: see the library).\n- Priya to run a theme on benefits after go-live.",
        )  # fmt: skip
        Meeting.objects.filter(pk=meetup.pk).update(notes_posted_at=met + datetime.timedelta(days=1))
        for local in ("chloe", "maya", "grace", "kate", "olivia"):
            Rsvp.objects.get_or_create(meeting=meetup, user=people[local], defaults={"response": "going"})
        soon = (now + datetime.timedelta(days=9)).replace(hour=13, minute=0, second=0, microsecond=0)
        webinar = repertoire.schedule_meeting(
            priya, benefits, title="Theme webinar: who owns benefits after go-live?",
            online_url="https://meet.example.org/benefits-webinar", starts_at=soon,
            ends_at=soon + datetime.timedelta(hours=1), theme=current,
            agenda="A 45-minute conversation with three benefit owners, then questions.",
        )  # fmt: skip
        for local, answer in [("chloe", "going"), ("maya", "going"), ("grace", "maybe"), ("david", "going")]:
            Rsvp.objects.get_or_create(meeting=webinar, user=people[local], defaults={"response": answer})
    assurance = communities["project-assurance"]
    if not Document.objects.filter(community=assurance).exists():
        repertoire.upload_document(
            people["tom"], assurance, title="Gateway review interview checklist", kind=Document.Kind.TOOLKIT,
            tags=["gateway reviews"], description="The questions our reviewers ask at each gate. Members only.",
            upload=file("gateway-checklist.pdf", make_pdf([
                "Gateway review interview checklist", "Gate 0: strategic assessment",
                "Gate 3: investment decision",
            ])),
        )  # fmt: skip


def seed_calendar(people, communities):
    """A full month of calendar: a weekly online practice clinic in Benefits Realisation all
    this month and next, a monthly reading circle, and a members-only review panel in Project
    Assurance. Skipped once the clinics exist, so running it twice changes nothing."""
    import zoneinfo

    from .models import Meeting, Rsvp

    benefits, assurance = communities["benefits-realisation"], communities["project-assurance"]
    if Meeting.objects.filter(community=benefits, title="Practice clinic").exists():
        return
    london = zoneinfo.ZoneInfo("Europe/London")
    today = timezone.localdate()
    first = today.replace(day=1)
    after_next = (first + datetime.timedelta(days=62)).replace(day=1)
    day = first
    while day < after_next:
        if day.weekday() == 1:  # Tuesdays, 12:30 London time, whatever the season
            starts = datetime.datetime.combine(day, datetime.time(12, 30), tzinfo=london)
            clinic = Meeting.objects.create(
                community=benefits, title="Practice clinic", starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=45), created_by=people["priya"],
                online_url="https://meet.example.org/benefits-clinic",
                agenda="Bring a live problem; two peers help you think it through in fifteen minutes.",
            )  # fmt: skip
            for local in ("grace", "chloe"):
                Rsvp.objects.create(meeting=clinic, user=people[local], response=Rsvp.Response.GOING)
        day += datetime.timedelta(days=1)
    circle = datetime.datetime.combine(
        first + datetime.timedelta(days=17), datetime.time(17, 0), tzinfo=london
    )
    Meeting.objects.create(
        community=benefits, title="Reading circle: the Magenta Book", starts_at=circle,
        ends_at=circle + datetime.timedelta(hours=1), place="The Library, Leeds Civic Hall",
        created_by=people["chloe"], agenda="Chapter 3, on planning an evaluation.",
    )  # fmt: skip
    panel = datetime.datetime.combine(
        first + datetime.timedelta(days=20), datetime.time(10, 0), tzinfo=london
    )
    Meeting.objects.create(
        community=assurance, title="Review panel practice session", starts_at=panel,
        ends_at=panel + datetime.timedelta(hours=2), place="Room 4, 100 Parliament Street, London",
        created_by=people["tom"], agenda="Members only: a mock gateway review, then feedback.",
    )  # fmt: skip


def seed(world):
    people = seed_people()
    communities = seed_communities(people)
    seed_repertoire(people, communities)
    seed_calendar(people, communities)
    # Presence choices: Noah shows his profile only to members of his communities, Tom hides
    # when he was last active (both idempotent updates).
    type(people["noah"]).objects.filter(pk=people["noah"].pk).update(profile_visibility="members")
    type(people["tom"]).objects.filter(pk=people["tom"].pk).update(show_last_active=False)
    return {**world, "people": people, "communities": communities}
