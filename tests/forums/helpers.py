"""Quick builders for discussion tests (through the services, as members would)."""

import datetime

from django.utils import timezone

from forums import services
from forums.models import Post, Thread


def age(user, days=30):
    """Make an account old enough that the new-account link limit does not apply."""
    user.date_joined = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["date_joined"])
    return user


def thread(
    author, community, title="How do you baseline benefits?", body="We are starting a programme.", **kw
):
    return services.start_thread(author, community, title=title, body=body, **kw)


def bulk_thread_with_posts(community, author, n_posts, title="A long thread"):
    """A thread with n_posts posts (opening included), built with bulk_create for speed."""
    now = timezone.now()
    t = Thread.objects.create(
        community=community,
        author=author,
        title=title,
        post_count=n_posts,
        reply_count=n_posts - 1,
        last_post_at=now,
        last_post_author=author,
    )
    Post.objects.bulk_create(
        Post(
            thread=t,
            community=community,
            author=author,
            number=i,
            body=f"Post {i}",
            body_html=f"<p>Post {i}</p>",
            created_at=now,
        )
        for i in range(1, n_posts + 1)
    )
    return t


def bulk_threads(community, author, n):
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            community=community,
            author=author,
            title=f"Thread {i}",
            post_count=1,
            last_post_at=now,
            last_post_author=author,
            created_at=now,
        )
        for i in range(n)
    )
    return threads
