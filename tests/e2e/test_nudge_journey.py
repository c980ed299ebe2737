"""A facilitator's nudge in a real browser: queue → message from a template → the newcomer answers
and posts → the nudge counts as converted."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from communities import nudges
from communities.models import Membership, Message, Nudge
from tests.factories import PASSWORD, CommunityFactory, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def answer_by_email(newcomer, notice, text):
    """The newcomer's mail program replies to the notification; the inbound pipe receives it."""
    from newsletters.inbound import parse, receive

    [address] = notice.reply_to
    raw = (
        f"From: {newcomer.email}\nTo: {address}\nSubject: Re: {notice.subject}\nMessage-ID: <n1@mail.example>\n\n"
        f"{text}\n\nOn Monday, Priya Host wrote:\n> Hello Nadia Brooks\n"
    )
    assert receive(parse(raw.encode())) == "reply"


def test_a_facilitator_nudges_a_newcomer_who_answers_and_posts(page, browser, live_server, settings):
    settings.REPLY_EMAIL_DOMAIN = "reply.example.org"
    community = CommunityFactory(name="Benefits Realisation", slug="benefits")
    facilitator = member_of(community, "facilitator", display_name="Priya Host")
    newcomer = member_of(community, display_name="Nadia Brooks")
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() - datetime.timedelta(days=9))
    nudges.build_queue(community)  # what beat does every morning

    # The facilitator opens the queue and writes from the template.
    sign_in(page, facilitator.email)
    page.goto("/communities/benefits/")
    page.get_by_text("Manage", exact=True).click()  # facilitators' pages sit in the "Manage" menu
    page.get_by_role("link", name="Nudges", exact=True).click()
    page.get_by_text("Nadia Brooks joined").wait_for()
    page.get_by_role("link", name="Write to Nadia Brooks").click()
    body = page.get_by_label("Your message")
    assert "Hello Nadia Brooks" in body.input_value()
    body.fill(body.input_value().replace("What are you working on", "Priya here: what are you working on"))
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your message to Nadia Brooks was sent.").wait_for()
    assert "Nothing to do today" in page.content()
    notice = [m for m in mail.outbox if m.to == [newcomer.email]]
    assert len(notice) == 1 and "Priya here" in notice[0].body

    # The newcomer answers by replying to the e-mail, then sees the conversation and posts.
    answer = "Thank you! I'm mapping benefits for a new library service."
    answer_by_email(newcomer, notice[0], answer)
    context = browser.new_context(base_url=live_server.url)
    theirs = context.new_page()
    sign_in(theirs, newcomer.email)
    theirs.get_by_role("link", name="Messages").click()
    theirs.get_by_role("link", name="Priya Host").click()
    theirs.get_by_text("Priya here").wait_for()
    theirs.get_by_text("mapping benefits for a new library service").wait_for()
    assert Message.objects.get(author=newcomer).via == "email"
    assert "by e-mail" in theirs.content()
    theirs.goto("/communities/benefits/discussions/new/")
    theirs.get_by_label("Title").fill("How do you map benefits for a library service?")
    theirs.get_by_label("Details").fill("We are opening a new library hub and need a benefits map.")
    theirs.get_by_role("button", name="Post").click()
    theirs.get_by_role("heading", name="How do you map benefits for a library service?").wait_for()
    context.close()
    assert Message.objects.filter(author=newcomer).count() == 1

    # Back in the queue, the nudge counts as converted.
    page.goto("/communities/benefits/nudges/")
    assert "1 of the 1 member you nudged posted within seven days (100%)" in " ".join(
        page.get_by_test_id("conversion").inner_text().split()
    )
    nudges.settle_outcomes()
    assert Nudge.objects.get(member=newcomer).converted is True
