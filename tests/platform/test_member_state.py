"""The page frame (unread counts, bounce banner, sidebar) is cached per member
(cop_platform/memberstate.py): each change shows on the member's next page, and no member ever
sees another's."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from communities import messaging
from communities.models import Membership
from forums import services
from newsletters.inbound import suppress
from newsletters.models import Notification
from tests.factories import CommunityFactory, UserFactory, member_of
from tests.forums.helpers import thread as make_thread
from tests.utils import text

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def bell(page):
    found = re.search(r'data-testid="unread-count">(\d+)<', page.content.decode())
    return int(found[1]) if found else 0


def messages_badge(page):
    found = re.search(r'data-testid="unread-messages">(\d+)<', page.content.decode())
    return int(found[1]) if found else 0


def sidebar(page):
    html = page.content.decode()
    return html[html.index('<aside class="sidebar"') : html.index("</aside>")]


def notify(user, text="Someone replied", url="/somewhere/"):
    return Notification.objects.create(recipient=user, kind="test", text=text, url=url)


def test_a_new_notification_shows_on_the_next_page_and_reading_them_clears_the_bell(member):
    client = signed_in(member)
    home = reverse("home")
    assert bell(client.get(home)) == 0
    notify(member)
    assert bell(client.get(home)) == 1
    # Notifications made in bulk (the fan-out) count too.
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="test", text=f"n{i}", url="/x/") for i in range(3)
    )
    assert bell(client.get(home)) == 4
    client.post(reverse("newsletters:mark_all_read"))
    assert bell(client.get(home)) == 0


def test_reading_a_thread_clears_its_notifications_from_the_bell(community, member, core_member):
    t = make_thread(core_member, community, title="Baselines")
    services.post_reply(core_member, t, "A reply")
    notify(member, url=t.get_absolute_url())
    client = signed_in(member)
    assert bell(client.get(reverse("home"))) == 1
    client.get(t.get_absolute_url())  # reading the thread marks its notifications read
    assert bell(client.get(reverse("home"))) == 0


def test_a_new_message_shows_at_once_and_reading_it_clears_the_count(member, core_member):
    client = signed_in(core_member)
    assert messages_badge(client.get(reverse("home"))) == 0
    conversation = messaging.start_conversation(member, [core_member], "Could we talk about baselines?")
    assert messages_badge(client.get(reverse("home"))) == 1
    messaging.send_message(member, conversation, "And about risk?")
    assert messages_badge(client.get(reverse("home"))) == 1  # one conversation
    client.get(conversation.get_absolute_url())
    assert messages_badge(client.get(reverse("home"))) == 0


def test_joining_leaving_and_renaming_show_in_the_sidebar_at_once(member, outsider):
    client = signed_in(outsider)
    other = CommunityFactory(name="Lean Practitioners")
    assert "Lean Practitioners" not in sidebar(client.get(reverse("home")))
    membership = Membership.objects.create(user=outsider, community=other, state=Membership.State.ACTIVE)
    assert "Lean Practitioners" in sidebar(client.get(reverse("home")))
    other.name = "Lean Practice"
    other.save()
    shown = sidebar(client.get(reverse("home")))
    assert "Lean Practice" in shown and "Lean Practitioners" not in shown
    membership.state = Membership.State.LEFT
    membership.save()
    assert "Lean Practice" not in sidebar(client.get(reverse("home")))


def test_a_bounce_shows_the_banner_on_the_next_page(member):
    client = signed_in(member)
    assert 'data-testid="email-suppressed"' not in client.get(reverse("home")).content.decode()
    suppress(member.email.upper(), "bounce", source="test")
    assert 'data-testid="email-suppressed"' in client.get(reverse("home")).content.decode()


def test_no_member_ever_sees_another_members_counts_or_communities(community, closed_community, member):
    stranger = UserFactory(display_name="Sam Stranger")
    notify(member)
    notify(member)
    other = member_of(community)
    mine = signed_in(member)
    theirs = signed_in(stranger)
    also = signed_in(other)
    for url in (reverse("home"), reverse("communities:home", args=[community.slug])):
        assert bell(mine.get(url)) == 2
        page = theirs.get(url)
        assert bell(page) == 0
        assert closed_community.name not in sidebar(page)
        assert member.name not in text(page).split("<main")[0]
        page = also.get(url)
        assert bell(page) == 0
        assert closed_community.name not in sidebar(page)
        assert community.name in sidebar(page)
        assert closed_community.name in sidebar(mine.get(url))


def test_a_thread_page_never_carries_another_members_marks_or_links(community, member, core_member):
    t = make_thread(member, community, title="Baselines that hold")
    services.post_reply(member, t, "Start from the business case.")
    mine = signed_in(member)
    theirs = signed_in(core_member)
    edit = reverse("forums:post_edit", args=[community.slug, t.posts.get(number=1).pk])
    assert edit in mine.get(t.get_absolute_url()).content.decode()
    page = theirs.get(t.get_absolute_url()).content.decode()
    assert edit not in page
    assert member.name not in page.split("<main")[0]
    assert core_member.name in page.split("<main")[0]
    assert edit in mine.get(t.get_absolute_url()).content.decode()


def test_a_member_who_leaves_a_closed_community_loses_its_pages_at_once(closed_community, member):
    t = make_thread(member, closed_community, title="Inside the closed room")
    client = signed_in(member)
    assert client.get(t.get_absolute_url()).status_code == 200
    assert "Inside the closed room" in text(
        client.get(reverse("forums:thread_list", args=[closed_community.slug]))
    )
    # Even a write that sends no signal: the membership is read with the page, never cached.
    Membership.objects.filter(user=member, community=closed_community).update(state=Membership.State.LEFT)
    assert client.get(t.get_absolute_url()).status_code == 404
    assert client.get(reverse("forums:thread_list", args=[closed_community.slug])).status_code == 404


BULK_WRITES = re.compile(r"(Notification|Participant)\.objects[^\n]*\.update\(|others\.update\(")


def test_bulk_writes_of_what_the_frame_shows_tell_the_member_state():
    """An UPDATE of notifications or conversation participants sends no signal: the module
    doing it must say whose frame changed (memberstate.changed)."""
    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations", "management"} for part in path.parts):
            continue
        source = path.read_text()
        if BULK_WRITES.search(source) and "memberstate.changed" not in source:
            offenders.append(str(path))
    assert offenders == []
