"""Demo data for the dashboard (`manage.py seed_demo`, after the other apps' demos).

Gives every chart something true to show in Benefits Realisation: quiet members who only read
(presence over the last months), real replies in the days around last month's newsletter so
the issue shows its effect, aggregate link counts for that issue, and a sponsor. Safe to run
twice: it does nothing once the issue has link counts.
"""

import datetime
import random

from django.utils import timezone

from communities.models import Activity, Membership, Presence, Sponsorship
from forums.models import Post, Thread
from forums.services import post_reply, start_thread

from .models import Issue, LinkCount

READERS = ["emma", "farid", "isla", "jack", "liam", "noah", "peter"]
REPLIES = [
    "This is exactly what we needed after the newsletter's piece on benefit owners: we are trying it.",
    "Our PMO used the benefits profile template from the library; the baseline step saved us a week.",
    "Following the newsletter link: the evaluation guidance answers half of my question, thank you.",
    "We had the same problem with double counting. Mapping each benefit to one owner fixed it.",
    "I shared the realisation plan with our board and they asked for the same format next quarter.",
]


def seed(world):
    community = world["communities"]["benefits-realisation"]
    people = world["people"]
    issue = Issue.objects.published().filter(community=community).order_by("started_at").first()
    if issue is None or LinkCount.objects.filter(source=issue.delivery_key).exists():
        return world
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    now = timezone.now()
    # Quiet members: they joined over the last months and read without posting.
    for i, local in enumerate(READERS):
        Membership.objects.get_or_create(
            user=people[local],
            community=community,
            defaults={
                "role": Membership.Role.PERIPHERAL,
                "state": Membership.State.ACTIVE,
                "joined_at": now - datetime.timedelta(days=150 - i * 18),
            },
        )
    members = list(Membership.objects.active().filter(community=community).select_related("user"))
    sent_day = issue.started_at.astimezone(datetime.UTC).date()
    visits = []
    for m in members:
        rate = 0.35 if m.role != Membership.Role.PERIPHERAL else 0.12
        for back in range(120):
            day = now.date() - datetime.timedelta(days=back)
            chance = rate * (2.2 if 0 <= (day - sent_day).days < 3 else 1)
            if m.joined_at and day >= m.joined_at.date() and rng.random() < chance:
                visits.append(Presence(community=community, user=m.user, day=day))
    Presence.objects.bulk_create(visits, ignore_conflicts=True)
    # Real replies, backdated: one in the three days before the issue, five in the three after.
    # A discussion opened four days before the issue, with real replies before and after it.
    opened = issue.started_at - datetime.timedelta(days=4)
    thread = start_thread(
        people["maya"], community, title="Who owns a benefit once the project closes?",
        body="We keep losing track of benefits after handover. Who holds them in your organisation?",
        kind=Thread.Kind.QUESTION,
    )  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(created_at=opened, last_post_at=opened)
    Post.objects.filter(thread=thread).update(created_at=opened)
    Activity.objects.filter(target_type="forums.thread", target_id=thread.pk).update(created_at=opened)
    threads = [thread]
    repliers = [people[p] for p in ("grace", "david", "kate", "olivia", "rosa", "maya")]
    moments = [issue.started_at - datetime.timedelta(days=2)] + [
        issue.started_at + datetime.timedelta(hours=h) for h in (5, 20, 30, 44, 60)
    ]
    for n, when in enumerate(moments):
        if not threads:
            break
        post = post_reply(repliers[n % len(repliers)], threads[n % len(threads)], REPLIES[n % len(REPLIES)])
        Post.objects.filter(pk=post.pk).update(created_at=when)
        Activity.objects.filter(target_type="forums.post", target_id=post.pk).update(created_at=when)
    for thread in threads:
        last = Post.objects.filter(thread=thread).order_by("-created_at").first()
        Thread.objects.filter(pk=thread.pk).update(last_post_at=last.created_at, last_post_author=last.author)
    LinkCount.objects.bulk_create(
        [
            LinkCount(kind="open", source=issue.delivery_key, url="", day=sent_day, count=9),
            LinkCount(kind="open", source=issue.delivery_key, url="", day=sent_day + datetime.timedelta(days=1), count=4),
            LinkCount(
                kind="click", source=issue.delivery_key, url="http://localhost:8000/communities/benefits-realisation/",
                day=sent_day, count=6,
            ),
        ]
    )  # fmt: skip
    sponsor = people["daniel"]
    for slug in ("benefits-realisation", "project-assurance"):
        Sponsorship.objects.get_or_create(
            community=world["communities"][slug], user=sponsor, defaults={"added_by": people["admin"]}
        )
    return world
