"""A facilitator composes the month's issue, previews it, sends it; a member reads it in the archive."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from communities.models import Membership
from forums import services as forum_services
from tests.factories import CommunityFactory, member_of
from tests.forums.helpers import age

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, live_url):
    """Sign in by session cookie (the sign-in form has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_url}])


def test_facilitator_sends_the_monthly_newsletter(page, live_server):
    community = CommunityFactory(name="Benefits Realisation", slug="benefits")
    facilitator = member_of(community, Membership.Role.FACILITATOR, display_name="Fiona Facilitator")
    reader = member_of(community, display_name="Rhea Reader")
    thread = forum_services.start_thread(
        age(reader), community, title="How do you baseline benefits?", body="?"
    )
    forum_services.post_reply(facilitator, thread, "With a four-week sample.")

    sign_in(page, facilitator, live_server.url)
    page.goto("/communities/benefits/")
    page.get_by_text("More", exact=True).click()  # less-used tabs sit in the "More" menu
    page.get_by_role("link", name="Newsletter").click()
    page.get_by_role("link", name="Compose this month's issue").click()
    body = page.get_by_label("Body")
    assert "How do you baseline benefits?" in body.input_value()
    assert "Rhea Reader" in body.input_value()  # new members to welcome
    body.fill(body.input_value() + "\nSee you at the meet-up on **Thursday**!\n")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()

    page.get_by_role("link", name="Preview e-mail").click()
    frame = page.frame_locator("iframe.email-preview")
    frame.get_by_text("See you at the meet-up on").wait_for()
    page.get_by_role("link", name="Back to the issue").click()
    page.get_by_role("button", name="Send now to 2 members").click()
    page.get_by_text("Sending has started.").wait_for()
    assert page.get_by_test_id("sent").inner_text() == "2"
    newsletters = [m.to[0] for m in mail.outbox if m.subject.startswith("Benefits Realisation:")]
    assert sorted(newsletters) == sorted([facilitator.email, reader.email])

    sign_in(page, reader, live_server.url)
    page.goto("/communities/benefits/newsletter/")
    page.get_by_role("link", name="Benefits Realisation:").click()
    page.get_by_text("See you at the meet-up on").wait_for()
    assert page.get_by_test_id("sent").count() == 0  # delivery numbers are for facilitators
