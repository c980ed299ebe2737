"""A newcomer's first journey in a real browser: sign up, verify, join, ask, be approved, be welcomed."""

import re

import pytest
from django.core import mail

from communities.models import Membership
from tests.factories import PASSWORD, CommunityFactory, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_newcomer_signs_up_joins_asks_and_is_welcomed(page, browser, live_server):
    open_c = CommunityFactory(name="Agile in Government", slug="agile")
    closed_c = CommunityFactory(name="Assurance Reviewers", slug="assurance", visibility="closed")
    member_of(open_c, "facilitator", display_name="Hannah Host")
    facilitator = member_of(closed_c, "facilitator", display_name="Tom Facilitator")

    # Sign up and verify the e-mail address.
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Confirm your e-mail address").wait_for()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Hello, Nia Newcomer").wait_for()

    # Join the open community straight away; the welcome arrives.
    page.get_by_role("link", name="Communities", exact=True).first.click()
    page.get_by_role("link", name="Agile in Government").click()
    page.get_by_role("button", name="Join this community").click()
    page.get_by_text("Welcome to Agile in Government!").wait_for()
    assert (
        page.get_by_role("complementary", name="Your communities")
        .get_by_text("Agile in Government")
        .is_visible()
    )
    welcome = [m for m in mail.outbox if m.subject.startswith("Welcome to Agile in Government")]
    assert len(welcome) == 1 and "Hannah Host" in welcome[0].body

    # Ask to join the closed one.
    page.goto("/communities/")
    page.get_by_role("link", name="Assurance Reviewers").click()
    page.get_by_label("A short note to the facilitators").fill("I run gateway reviews at the council.")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_test_id("request-pending").wait_for()

    # The facilitator approves in their own browser session.
    context = browser.new_context(base_url=live_server.url)
    fac_page = context.new_page()
    sign_in(fac_page, facilitator.email)
    fac_page.goto("/communities/assurance/")
    fac_page.get_by_role("link", name="1 request to join").click()
    fac_page.get_by_text("I run gateway reviews at the council.").wait_for()
    fac_page.get_by_role("button", name="Approve Nia Newcomer").click()
    fac_page.get_by_text("Nia Newcomer's request was approved").wait_for()
    context.close()

    assert Membership.objects.get(user__email="nia@example.org", community=closed_c).state == "active"
    welcome = [m for m in mail.outbox if m.subject == "Welcome to Assurance Reviewers, Nia Newcomer"]
    assert len(welcome) == 1
    assert welcome[0].reply_to == [facilitator.email]

    # The newcomer now sees the closed community and a notification.
    page.goto("/communities/assurance/")
    page.get_by_role("heading", name="Assurance Reviewers").wait_for()
    assert page.get_by_test_id("unread-count").inner_text() == "1"
