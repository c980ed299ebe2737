"""Every e-mail: text and HTML parts, inlined CSS, From, Message-ID, List-Id, absolute links."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from communities import services as community_services
from newsletters import services
from newsletters.models import Preference
from tests.factories import UserFactory


def assert_well_formed(message, list_id):
    assert message.from_email == "Practice Commons <community@localhost>"
    assert message.extra_headers["Message-ID"].endswith("@testserver>")
    assert message.extra_headers["List-Id"] == f"<{list_id}.testserver>"
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert "<style" not in html and 'style="' in html  # CSS inlined
    assert 'href="/' not in html  # every link absolute
    assert "http://testserver/email/preferences/" in html
    assert "http://testserver/email/preferences/" in message.body


def test_welcome_is_transactional_but_complete(facilitator, community, on_commit):
    newcomer = UserFactory(display_name="Nia Newcomer")
    with on_commit:
        community_services.join_community(newcomer, community)
    (message,) = mail.outbox
    assert_well_formed(message, "welcome")
    assert message.reply_to == [facilitator.email]
    assert "List-Unsubscribe" not in message.extra_headers  # a welcome is not a mailing list


def test_notification_email_has_one_click_unsubscribe_for_that_community(
    member, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(member, "Cora replied to your question", url="/x/", community=community, email=True)
    (message,) = mail.outbox
    assert_well_formed(message, f"notifications.{community.slug}")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    Client(enforce_csrf_checks=True).post(link)
    assert Preference.for_member(member, community).immediate is False
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(member, "Another reply", url="/y/", community=community, email=True)
    assert len(mail.outbox) == 1  # honoured: no second e-mail, the bell still shows it
    assert member.notifications.count() == 2


def test_preferences_link_resolves(login, member):
    assert login(member).get(reverse("newsletters:preferences")).status_code == 200
