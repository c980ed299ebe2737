"""Demo newsletters for `manage.py seed_demo`: last month's issue in the archive, a draft for
this month waiting for its facilitator, and the bell's notifications of the demo's replies and
mentions (worded by the same topic as live ones). Safe to run twice."""

import datetime

from django.utils import timezone

from . import notifying
from .issues import KIND, draft_for, recipients
from .models import Delivery, Issue, Notification


def seed(world):
    seed_notifications(world)
    community = world["communities"]["benefits-realisation"]
    facilitator = world["people"]["priya"]
    if Issue.objects.filter(community=community).exists():
        return world
    now = timezone.now()
    last_month = now - datetime.timedelta(days=30)
    subject, body = draft_for(community, now=last_month, author=facilitator)
    sent = Issue.objects.create(
        community=community,
        author=facilitator,
        subject=subject,
        body=body,
        status=Issue.Status.SENT,
        created_at=last_month,
        updated_at=last_month,
        started_at=last_month,
        finished_at=last_month + datetime.timedelta(minutes=2),
    )
    rows = [
        Delivery(
            recipient_id=uid,
            email=email,
            kind=KIND,
            key=sent.delivery_key,
            status=Delivery.Status.SENT,
            attempts=1,
            created_at=last_month,
            claimed_at=last_month,
            sent_at=last_month,
        )  # fmt: skip
        for uid, email in recipients(community)
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    Issue.objects.filter(pk=sent.pk).update(recipient_count=len(rows))
    subject, body = draft_for(community, now=now, author=facilitator)
    Issue.objects.create(community=community, author=facilitator, subject=subject, body=body)
    return world


def seed_notifications(world, unread=3):
    """Replies to threads each demo persona took part in, and mentions of them, as the bell would
    have them: dated like the posts, the newest `unread` still unread. No e-mail is sent."""
    from forums.models import Post

    topic = notifying.topic("forums.post")
    for local in ("priya", "grace"):
        person = world["people"][local]
        if Notification.objects.filter(recipient=person).exists():
            continue
        threads = Post.objects.filter(author=person).values("thread_id")
        posts = (
            Post.objects.filter(thread_id__in=threads, deleted_at__isnull=True, hidden_at__isnull=True)
            .exclude(author=person)
            .select_related("community", "thread__community", "author")
            .order_by("-created_at")[:12]
        )
        rows = []
        for index, post in enumerate(posts):
            mentioned = f"@{person.name}" in post.body
            kind = "forums.mention" if mentioned else "forums.reply"
            rows.append(
                Notification(
                    recipient=person,
                    community=post.community,
                    kind=kind,
                    url=post.get_absolute_url(),
                    text=topic.text(post, kind, person, {})[:300],
                    target=f"thread:{post.thread_id}",
                    created_at=post.created_at,
                    read_at=None if index < unread else post.created_at + datetime.timedelta(hours=2),
                )  # fmt: skip
            )
        Notification.objects.bulk_create(rows)
