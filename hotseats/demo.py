"""Demo hot seats: a past one with a full transcript, an open one and a scheduled one. Safe to run twice."""

import datetime

from django.utils import timezone

from communities.models import Activity

from .models import FollowUp, HotSeat, Question, Vote

PAST_QA = [
    (
        "grace",
        "How soon after go-live should we measure benefits? Our board wants numbers in month one.",
        "Agree the *measurement points* in the benefits profile before go-live, and explain that month one "
        "shows **adoption**, not benefits. Report leading indicators (usage, process time) early and the "
        "benefit itself at the point the profile says it should appear.",
        ["david", "kate", "olivia"],
    ),
    (
        "david",
        "Who should own a benefit once the project team has disbanded?",
        "A named person in the business who will *feel* the benefit: usually the head of the service that "
        "changes. Never the project manager. Write their name in the business case and get them to sign "
        "the benefits profile.",
        ["grace", "rosa"],
    ),
    (
        "kate",
        "We keep double counting the same saving across three programmes. Any practical fix?",
        "Keep one benefits register at portfolio level and give every cashable saving a single *budget "
        "line* it will come from. If two programmes claim the same line, the portfolio office decides "
        "the split before either business case is approved.",
        ["sam"],
    ),
    (
        "olivia",
        "Is it worth tracking dis-benefits, or does it just scare sponsors?",
        "Track them. Sponsors are far more scared by a dis-benefit they discover in year two. A short "
        "list with owners and mitigations builds trust in the rest of your numbers.",
        [],
    ),
]


def _at(base, **delta):
    return base + datetime.timedelta(**delta)


def _question(hotseat, people, local, body, asked, answer="", answered=None, voters=()):
    question = Question.objects.create(
        hotseat=hotseat, author=people[local], body=body, created_at=asked,
        answer=answer, answered_at=answered, answered_by=hotseat.expert if answer else None,
        vote_count=len(voters),
    )  # fmt: skip
    Vote.objects.bulk_create([Vote(question=question, user=people[v]) for v in voters])
    return question


def _log(hotseat, verb, summary, when, actor=None):
    Activity.objects.create(
        community=hotseat.community, actor=actor, verb=verb, summary=summary, url=hotseat.get_absolute_url(),
        target_type="hotseats.hotseat", target_id=hotseat.pk, created_at=when,
    )  # fmt: skip


def seed(world):
    people, communities = world["people"], world["communities"]
    now = timezone.now().replace(second=0, microsecond=0)
    benefits = communities["benefits-realisation"]
    assurance = communities["project-assurance"]
    facilitator = people["priya"]

    # 1. A past hot seat with a full transcript.
    opened = _at(now, days=-40, hours=-3)
    past, created = HotSeat.objects.get_or_create(
        community=benefits, title="Proving benefits after go-live",
        defaults={
            "topic": "Measuring, owning and reporting benefits once the project has closed",
            "description": "Alex has led benefits reviews across central government for ten years. Bring the "
            "questions your board keeps asking you.",
            "expert": people["admin"], "expert_email": people["admin"].email, "expert_name": people["admin"].name,
            "expert_bio": "Head of Profession, Central PPM Office",
            "opens_at": opened, "closes_at": _at(opened, days=5), "status": HotSeat.Status.CLOSED,
            "created_by": facilitator, "created_at": _at(opened, days=-10),
        },
    )  # fmt: skip
    if created:
        for index, (local, body, answer, voters) in enumerate(PAST_QA):
            asked = _at(opened, hours=index * 7 - 30)
            question = _question(
                past, people, local, body, asked, answer, _at(opened, days=1, hours=index * 5), voters
            )
            if index == 0:
                FollowUp.objects.create(
                    question=question, author=people["grace"], created_at=_at(opened, days=2),
                    body="Thank you: the adoption versus benefit distinction is exactly what I needed for Tuesday.",
                )  # fmt: skip
        _log(
            past,
            "hotseat.scheduled",
            f"Hot seat scheduled: {past.title} with {past.expert_name}",
            _at(opened, days=-10),
            facilitator,
        )
        _log(past, "hotseat.opened", f"Hot seat open: put your questions to {past.expert_name}", opened)
        _log(
            past,
            "hotseat.closed",
            f"Hot seat closed: the transcript of {past.title} is ready",
            past.closes_at,
        )

    # 2. An open hot seat, a day in.
    opened = _at(now, days=-1, hours=-2)
    current, created = HotSeat.objects.get_or_create(
        community=benefits, title="Business cases that survive scrutiny",
        defaults={
            "topic": "Writing the economic and financial cases so that approvers say yes",
            "description": "Tom reviews business cases for the Infrastructure Projects Authority. "
            "Ask about **options appraisal**, optimism bias and what reviewers look for first.",
            "expert": people["tom"], "expert_email": people["tom"].email, "expert_name": people["tom"].name,
            "expert_bio": "Assurance Lead, Infrastructure Projects Authority",
            "opens_at": opened, "closes_at": _at(opened, days=5), "status": HotSeat.Status.OPEN,
            "created_by": facilitator, "created_at": _at(opened, days=-7),
        },
    )  # fmt: skip
    if created:
        _question(
            current, people, "chloe", "How many options should a shortlist really have?", _at(opened, hours=-20),
            "Four or five, including *do minimum*. Fewer looks like the answer was chosen first.",
            _at(opened, hours=3), ["grace", "maya", "kate"],
        )  # fmt: skip
        _question(
            current,
            people,
            "maya",
            "How do reviewers treat optimism bias on benefits, not only costs?",
            _at(opened, hours=2),
            voters=["chloe", "sam"],
        )
        _question(
            current,
            people,
            "ben",
            "Any tips for presenting non-cashable benefits to finance colleagues?",
            _at(opened, hours=5),
            voters=["rosa"],
        )
        _log(current, "hotseat.opened", f"Hot seat open: put your questions to {current.expert_name}", opened)

    # 3. A scheduled hot seat in the closed community, with an external expert.
    opens = _at(now, days=6).replace(hour=9, minute=0)
    upcoming, created = HotSeat.objects.get_or_create(
        community=assurance, title="Recommendations that land",
        defaults={
            "topic": "Writing review recommendations that senior responsible owners act on",
            "expert": people["aisha"], "expert_email": people["aisha"].email, "expert_name": people["aisha"].name,
            "expert_bio": "Senior Risk Manager, Ministry of Justice",
            "opens_at": opens, "closes_at": _at(opens, days=4), "status": HotSeat.Status.SCHEDULED,
            "created_by": people["tom"], "created_at": _at(now, days=-2),
        },
    )  # fmt: skip
    if created:
        _question(
            upcoming,
            people,
            "noah",
            "How do you rate a recommendation as *critical* without sounding alarmist?",
            _at(now, hours=-5),
        )
        _log(
            upcoming,
            "hotseat.scheduled",
            f"Hot seat scheduled: {upcoming.title} with {upcoming.expert_name}",
            _at(now, days=-2),
            people["tom"],
        )
    # What each expert knows, for the knowledge map (set every run: `set` is idempotent).
    past.tags.set(["benefits realisation", "benefits measurement"])
    current.tags.set(["business cases", "optimism bias"])
    upcoming.tags.set(["gateway reviews", "recommendations"])
    return {**world, "hotseats": [past, current, upcoming]}
