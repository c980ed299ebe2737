"""A survey end to end in a real browser: a facilitator builds and publishes it and invites the
members, members answer from the e-mail's link, the facilitator reads the charts and starts a
theme from the top result; then a member subscribes to the calendar feed and it parses."""

import datetime
import re
import urllib.request

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from communities.models import Theme
from forums.models import Survey
from tests.factories import member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator(".account-menu")).to_be_visible()


def test_facilitator_surveys_members_from_email_reads_charts_and_starts_a_theme(
    page, facilitator, member, community, password, live_server
):
    second = member_of(community, display_name="Sam Second")

    sign_in(page, facilitator, password)
    page.goto(f"/communities/{community.slug}/surveys/")
    page.click("text=New survey")
    page.fill("#id_title", "Priorities for next year")
    page.fill("#id_opens_at", "2020-01-01T09:00")
    page.fill("#id_closes_at", f"{timezone.localdate() + datetime.timedelta(days=21):%Y-%m-%d}T17:00")
    page.click("text=Save and add questions")
    expect(page.locator(".message--success")).to_contain_text("Now add its questions")
    page.select_option("#id_kind", "ranking")
    page.fill("#id_text", "Rank these topics")
    page.fill("#id_options", "Benefits realisation\nRisk\nAssurance")
    page.click("text=Add the question")
    page.select_option("#id_kind", "text")
    page.fill("#id_text", "Anything else?")
    page.uncheck("#id_required")
    page.click("text=Add the question")
    page.click("button:has-text('Publish')")
    expect(page.locator(".message--success")).to_contain_text("published")
    page.click("button:has-text('Invite the members by e-mail')")
    expect(page.locator(".message--success")).to_contain_text("on their way")

    survey = Survey.objects.get()
    for person, places in ((member, ("1", "2", "3")), (second, ("1", "3", "2"))):
        (message,) = [m for m in mail.outbox if m.to == [person.email]]
        link = re.search(r"Answer here: (\S+)", message.body)[1]
        assert link.startswith(live_server.url)
        sign_in(page, person, password)
        page.goto(link)
        for i, place in enumerate(places):
            page.select_option(f"select[name=q{survey.questions.first().pk}_{i}]", place)
        page.fill("textarea", "More meet-ups, please.")
        page.click("text=Send my answers")
        expect(page.locator(".message--success")).to_contain_text("your answers are in")

    sign_in(page, facilitator, password)
    page.goto(survey.get_absolute_url())
    page.click("text=Results (2)")
    chart = page.locator("svg.chart__svg").first
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_contain_text("Benefits realisation")
    expect(page.locator(".survey-texts")).to_contain_text("More meet-ups, please.")
    page.click("text=Start a theme on “Benefits realisation”")
    expect(page.locator(".message--success")).to_contain_text("The theme “Benefits realisation” has started")
    assert Theme.objects.get().title == "Benefits realisation"

    # A member subscribes to the calendar: the feed address on the page parses as iCalendar.
    sign_in(page, member, password)
    page.goto(f"/communities/{community.slug}/calendar/")
    feed = page.locator("input.copy-field").input_value()
    with urllib.request.urlopen(feed) as response:  # noqa: S310 - the live test server
        calendar = Calendar.from_ical(response.read())
    summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert "Survey closes: Priorities for next year" in summaries
    assert "Theme: Benefits realisation" in summaries
