"""A member asks, another replies and @mentions a third, the asker accepts: everyone is told."""

import pytest
from django.conf import settings
from django.test import Client

from communities.models import Membership
from tests.factories import CommunityFactory, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, live_url):
    """Sign in by session cookie (the sign-in form has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_url}])
    page.goto("/")


def test_question_answered_with_mention_and_accepted(page, live_server):
    url = live_server.url
    community = CommunityFactory(name="Benefits Realisation", slug="benefits")
    asker = member_of(community, display_name="Asha Asker")
    answerer = member_of(community, Membership.Role.CORE, display_name="Rob Replier")
    third = member_of(community, display_name="Tess Third")

    sign_in(page, asker, url)
    page.goto("/communities/benefits/discussions/")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Title").fill("How do you baseline benefits before a project starts?")
    page.get_by_label("Details").fill("We are starting a **programme** next month.")
    page.get_by_role("button", name="Post").click()
    page.get_by_text("Your post is live.").wait_for()

    sign_in(page, answerer, url)
    page.goto("/communities/benefits/discussions/")
    page.get_by_role("link", name="How do you baseline benefits before a project starts?").click()
    page.get_by_role("textbox", name="Your reply").fill(
        "Measure the current process first. @Tess Third did this last year."
    )
    page.get_by_role("button", name="Post reply").click()
    page.get_by_text("Thank you! Your reply is posted.").wait_for()
    assert page.get_by_role("link", name="@Tess Third").count() == 1

    sign_in(page, asker, url)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_role("link", name="Notifications, 1 unread").click()
    page.get_by_role("button", name="Rob Replier replied to").click()
    page.get_by_role("button", name="✓ Accept as answer").click()
    page.get_by_text("Marked as the accepted answer").wait_for()
    assert page.locator("#answer").get_by_text("Measure the current process first.").count() == 1

    sign_in(page, third, url)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.goto("/notifications/")
    assert page.get_by_text("Rob Replier mentioned you in").count() == 1

    sign_in(page, answerer, url)
    page.goto("/notifications/")
    assert (
        page.get_by_text(
            "Your answer to “How do you baseline benefits before a project starts?” was accepted"
        ).count()
        == 1
    )
    page.goto("/communities/benefits/discussions/")
    assert page.get_by_text("✓ Solved").count() == 1
