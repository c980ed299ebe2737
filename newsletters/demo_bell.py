"""Demo notifications for `manage.py seed_demo` (runs after the seeding transaction commits, once
every demo reply exists and the live notification tasks queued on commit have run): the bell of
Priya and Grace as the live code would have filled it over the past weeks, worded by the same
topic. Safe to run twice."""

import datetime

from . import notifying
from .models import Notification

KINDS = ("forums.reply", "forums.mention")


def seed(world, since, unread=3):
    """Replies to threads each demo persona took part in, and mentions of them, as the bell would
    have them: dated like the posts, the newest `unread` still unread. No e-mail is sent.

    Seeding posts replies through the services, so the live tasks have just notified the same
    replies "now" (`created_at >= since`): those are replaced by the dated ones."""
    from cop_platform import memberstate
    from forums.models import Post

    topic = notifying.topic("forums.post")
    for local in ("priya", "grace"):
        person = world["people"][local]
        mine = Notification.objects.filter(recipient=person, kind__in=KINDS)
        if mine.filter(created_at__lt=since).exists():
            continue  # seeded before
        mine.filter(created_at__gte=since).delete()
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
        memberstate.changed(person.pk)
