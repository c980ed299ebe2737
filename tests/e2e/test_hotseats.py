"""A hot seat end to end in a real browser, with the clock moved in the test process (the live
server runs in a thread of the same process, so it sees the same time)."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from hotseats.models import HotSeat
from hotseats.tasks import advance_hotseats

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
UTC = datetime.UTC


def sign_in(page, user, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator(".account-menu")).to_be_visible()


def test_facilitator_schedules_member_asks_expert_answers_member_reads_transcript(
    page, facilitator, member, closed_community, password
):
    from tests.factories import UserFactory

    expert = UserFactory(display_name="Erin Expert", email="erin@experts.example")  # not a member

    with time_machine.travel(datetime.datetime(2030, 3, 2, 9, 0, tzinfo=UTC), tick=True):
        sign_in(page, facilitator, password)
        page.goto(f"/communities/{closed_community.slug}/hotseats/")
        page.click("text=Plan a hot seat")
        page.fill("#id_title", "Assurance that helps")
        page.fill("#id_topic", "Reviews teams are glad they had")
        page.fill("#id_expert_name", "Erin Expert")
        page.fill("#id_expert_email", expert.email)
        page.fill("#id_opens_at", "2030-03-04T10:00")  # London, GMT in March
        page.click("text=Schedule and tell members")
        expect(page.locator(".message--success")).to_contain_text("scheduled and members have been told")
        expect(page.locator(".hs-times")).to_contain_text("Mon 4 Mar 2030, 10:00")
        expect(page.locator(".zone-note")).to_contain_text("London time (GMT)")
        hotseat = HotSeat.objects.get()

        sign_in(page, member, password)
        page.goto(hotseat.get_absolute_url())
        page.fill("#id_body", "What makes a review **useful** to the team?")
        page.click("text=Ask the question")
        expect(page.locator(".message--success")).to_contain_text("Your question is in the queue")

    with time_machine.travel(datetime.datetime(2030, 3, 4, 10, 1, tzinfo=UTC), tick=True):
        advance_hotseats()  # what the beat does every minute

        sign_in(page, expert, password)
        page.goto(hotseat.get_absolute_url())
        expect(page.locator(".notice").first).to_contain_text("You are the expert in this hot seat.")
        page.fill("textarea[name=body]", "Agree the **scope** with the SRO first.")
        page.click("text=Publish answer")
        expect(page.locator(".hs-answer")).to_contain_text("Agree the scope with the SRO first.")

        sign_in(page, member, password)
        page.goto("/")
        page.click("a.bell")
        notice = page.locator(".notification", has_text="Erin Expert answered a question you asked")
        expect(notice).to_be_visible()
        notice.locator("button").click()
        expect(page).to_have_url(re.compile(rf"/hotseats/{hotseat.pk}/#q\d+$"))

        page.goto(f"/communities/{closed_community.slug}/hotseats/{hotseat.pk}/transcript/")
        transcript = page.locator(".hs-transcript__list")
        expect(transcript).to_contain_text("What makes a review useful to the team?")
        expect(transcript).to_contain_text("Agree the scope with the SRO first.")
