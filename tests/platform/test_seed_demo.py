import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command

from forums.models import Flag, Post
from newsletters.models import Issue

pytestmark = pytest.mark.django_db


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seeding_the_demo_twice_changes_nothing_and_e_mails_nobody(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == first
    assert mail.outbox == []
    assert first["communities.Community"] == 6
    assert first["communities.Membership"] > 30
    assert Issue.objects.filter(status="sent").count() == 1  # last month's newsletter in the archive
    assert Issue.objects.filter(status="draft").count() == 1  # this month's, waiting for its facilitator
    # One reply held by a watched word waits in Benefits Realisation's approval queue, and a
    # flagging word raised one automatic flag (from the platform, not from a member).
    held = Post.objects.held().get()
    assert held.community.slug == "benefits-realisation" and "guaranteed savings" in held.held_reason
    assert Flag.objects.filter(user__isnull=True, resolved_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_demo_bell_shows_each_reply_once_dated_like_the_reply(settings, tmp_path):
    """Seeding replies through the services queues live notifications that run on commit; the
    bell's dated notifications replace them, so the bell does not say "just now" about a reply
    from last week, nor show it twice."""
    from collections import Counter

    from newsletters.models import Notification

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    bell = Notification.objects.filter(
        recipient__email="priya@example.com", kind__in=("forums.reply", "forums.mention")
    )
    assert bell.count() >= 5
    assert [url for url, n in Counter(bell.values_list("url", flat=True)).items() if n > 1] == []
    replies = {post.get_absolute_url(): post.created_at for post in Post.objects.all()}
    assert all(n.created_at == replies[n.url] for n in bell)
