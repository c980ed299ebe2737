"""The newsletter's effect: aggregate link counts (no personal data) and before/after activity."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import insight
from communities.models import Activity, Membership, Presence
from newsletters import effect, links, mail
from newsletters.models import Issue, LinkCount
from tests.factories import member_of
from tests.utils import words

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
SENT = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def sent_issue(community, author, when=SENT, body="Read [the toolkit](https://example.org/toolkit) today."):
    issue = Issue.objects.create(community=community, author=author, subject="November news", body=body)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, started_at=when, finished_at=when)
    issue.refresh_from_db()
    return issue


def token_of(href):
    return re.search(r"/email/link/([^/]+)/", href).group(1)


# --- counting links, in aggregate only ---------------------------------------------------


def test_links_in_the_newsletter_go_through_the_counter_and_land_where_they_point(
    facilitator, member, community
):
    issue = sent_issue(community, facilitator)
    html = mail.newsletter_email(issue, member).alternatives[0][0]
    hrefs = re.findall(r'href="(http://testserver/email/link/[^"]+)"', html)
    targets = {links.read(token_of(h)) for h in hrefs}
    assert ("https://example.org/toolkit", issue.delivery_key) in targets
    assert ("http://testserver/communities/benefits/", issue.delivery_key) in targets
    text = mail.newsletter_email(issue, member).body
    assert "https://example.org/toolkit" not in text.split("Visit")[0]  # the text part is wrapped too
    test_copy = mail.newsletter_email(issue, member, test=True).alternatives[0][0]
    assert 'href="https://example.org/toolkit"' in test_copy


def test_following_links_stores_counts_and_nothing_about_who_clicked(
    client, login, facilitator, member, community
):
    issue = sent_issue(community, facilitator)
    link = links.tracked("https://example.org/toolkit", issue.delivery_key)
    path = link.removeprefix("http://testserver")

    response = login(member).get(path, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Secret Browser")
    client.logout()
    client.get(path, REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 302 and response["Location"] == "https://example.org/toolkit"
    assert {f.name for f in LinkCount._meta.get_fields()} == {"id", "kind", "source", "url", "day", "count"}
    rows = list(LinkCount.objects.values())
    assert len(rows) == 1 and rows[0]["count"] == 2
    stored = " ".join(str(v) for row in rows for v in row.values())
    for personal in (
        member.email,
        member.name,
        "203.0.113.7",
        "198.51.100.9",
        "Secret Browser",
        f"user:{member.pk}",
    ):
        assert personal not in stored


def test_a_link_not_made_here_is_refused(client):
    assert client.get(reverse("newsletters:link", args=["https:evil.example"])).status_code == 404
    forged = links.tracked("https://example.org", "issue:1").split("/email/link/")[1].rstrip("/")
    assert client.get(reverse("newsletters:link", args=[forged[:-3] + "abc"])).status_code == 404


def test_the_site_setting_turns_counting_off_but_links_keep_working(client, settings):
    settings.NEWSLETTER_COUNT_CLICKS = False
    path = links.tracked("https://example.org/x", "digest").removeprefix("http://testserver")
    assert client.get(path).status_code == 302
    assert LinkCount.objects.count() == 0


def test_members_reading_the_archive_count_as_opens_and_facilitators_do_not(
    login, facilitator, member, community
):
    issue = sent_issue(community, facilitator)
    page = reverse("newsletters:issue", args=[community.slug, issue.pk])
    login(member).get(page)
    login(member).get(page)
    login(facilitator).get(page)
    assert LinkCount.objects.get(kind="open", source=issue.delivery_key).count == 2


# --- before and after --------------------------------------------------------------------


def seed_around(community, people, rng_days):
    """Visits and contributions on the given day offsets from the send day (0 = the send day)."""
    plan = []
    for person, offsets in zip(people, rng_days, strict=True):
        for offset in offsets:
            day = SENT.date() + datetime.timedelta(days=offset)
            Presence.objects.get_or_create(community=community, user=person, day=day)
            at = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=UTC)
            Activity.objects.create(
                community=community, actor=person, verb="post.created", summary="p", created_at=at
            )
            plan.append((person, offset))
    return plan


def test_effect_equals_visits_and_contributions_counted_by_hand(facilitator, community, outsider):
    core = member_of(community, Membership.Role.CORE)
    quiet = [member_of(community) for _ in range(3)]
    people = [facilitator, core, *quiet, outsider]
    offsets = [[-3, 0], [-1, 1, 2], [0, 1], [2], [-2, 3], [0, 1, 2]]  # offset 3 and the outsider are outside
    plan = seed_around(community, people, offsets)
    issue = sent_issue(community, facilitator)
    Activity.objects.create(
        community=community, actor=core, verb="member.joined", summary="x", created_at=SENT
    )  # not a contribution

    result = effect.issue_effect(issue, now=SENT + datetime.timedelta(days=10))

    core_ids = {facilitator.pk, core.pk}
    peripheral_ids = {p.pk for p in quiet}

    def n(ids, window):
        return sum(1 for person, off in plan if person.pk in ids and off in window)

    before, after = range(-3, 0), range(0, 3)
    assert result["groups"]["core"]["visits_before"] == n(core_ids, before)
    assert result["groups"]["core"]["contributions_after"] == n(core_ids, after)
    assert result["groups"]["peripheral"]["visits_after"] == n(peripheral_ids, after)
    assert result["groups"]["peripheral"]["contributions_before"] == n(peripheral_ids, before)
    everyone = core_ids | peripheral_ids
    assert result["activity_before"] == 2 * n(everyone, before)
    assert result["activity_after"] == 2 * n(everyone, after)
    expected = round(100 * (n(everyone, after) - n(everyone, before)) / n(everyone, before))
    assert result["change"] == expected
    assert (
        effect.headline(result)
        == f"Activity rose {expected}% in the three days after the November 2026 issue"
    )


def test_an_issue_with_no_activity_before_says_so_without_a_percentage(facilitator, community):
    issue = sent_issue(community, facilitator)
    result = effect.issue_effect(issue, now=SENT + datetime.timedelta(days=1))
    assert result["change"] is None
    assert not result["complete"]
    assert "0 visits and contributions" in effect.headline(result)


def test_the_issue_page_and_the_dashboard_show_the_effect(login, facilitator, member, community):
    seed_around(community, [member], [[-1, 0, 1, 2]])
    issue = sent_issue(community, facilitator, when=timezone.now() - datetime.timedelta(days=20))
    Issue.objects.filter(pk=issue.pk).update(started_at=SENT)
    client = login(facilitator)
    page = words(client.get(reverse("newsletters:issue", args=[community.slug, issue.pk])))
    assert "Activity rose 200% in the three days after the November 2026 issue" in page

    period = insight.period_for(90, now=SENT + datetime.timedelta(days=20), tz=UTC)
    figures = effect.dashboard_figures(community, period)
    assert figures["effects"][0]["change"] == 200
    assert figures["chart"].rows == [["November 2026", 2, 6]]


def test_members_do_not_see_the_effect_on_the_issue_page(login, facilitator, member, community):
    issue = sent_issue(community, facilitator)
    page = words(login(member).get(reverse("newsletters:issue", args=[community.slug, issue.pk])))
    assert "three days after" not in page
