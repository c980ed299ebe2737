import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Community, Membership, Theme
from newsletters import digests, fanout, tasks
from newsletters.models import Delivery, Preference
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, member_of

from .helpers import IN_LAST_WEEK, MONDAY, FlakyConnection, log


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def weekly():
    return digests.period_for("weekly")


def digest_for(user):
    mine = [m for m in mail.outbox if m.to == [user.email]]
    assert len(mine) <= 1
    return mine[0] if mine else None


def html_of(message):
    return message.alternatives[0][0]


def test_weekly_period_is_the_previous_iso_week():
    period = weekly()
    assert period.key == "weekly:2026-W48"
    assert (period.since.day, period.until.day) == (16, 23)
    assert digests.period_for_key("weekly", period.key) == period
    assert digests.period_for("daily").key == "daily:2026-11-23"


def test_a_digest_never_shows_a_closed_community_the_member_does_not_belong_to(
    member, community, closed_community
):
    secret = CommunityFactory(name="Secret Board", visibility=Community.Visibility.CLOSED)
    insider = member_of(secret)
    MembershipFactory(user=insider, community=community)
    only_open = member_of(community, display_name="Olive Open")
    left = member_of(closed_community, state=Membership.State.LEFT)
    MembershipFactory(user=left, community=community)
    log(community, "thread.created", "Open thread about benefits maps")
    log(closed_community, "thread.created", "Closed thread about gateway reviews")
    log(secret, "document.uploaded", "Board salary spreadsheet")

    tasks.send_digests("weekly")

    for outsider in (only_open, left):
        body = digest_for(outsider).body + html_of(digest_for(outsider))
        assert "Open thread about benefits maps" in body
        assert "gateway reviews" not in body and "Assurance Reviewers" not in body
        assert "salary" not in body and "Secret Board" not in body
    body = digest_for(member).body
    assert "Open thread about benefits maps" in body and "Closed thread about gateway reviews" in body
    assert "salary" not in body
    assert "Board salary spreadsheet" in digest_for(insider).body


def test_nothing_is_sent_when_there_is_nothing_new(member, community):
    log(community, "thread.created", "Too old", when=IN_LAST_WEEK.replace(day=2))
    withdrawn = log(community, "thread.created", "Hidden by a moderator")
    withdrawn.withdrawn_at = MONDAY
    withdrawn.save()
    Theme.objects.create(
        community=community,
        title="Assurance",
        slug="assurance",
        starts_on=MONDAY.date(),
        ends_on=MONDAY.date(),
    )
    tasks.send_digests("weekly")
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_members_are_not_told_about_what_they_did_themselves(member, facilitator, community):
    log(community, "thread.created", "Mo's own question", actor=member)
    tasks.send_digests("weekly")
    assert digest_for(member) is None
    assert "Mo's own question" in digest_for(facilitator).body


def test_digest_lists_sections_theme_and_counts(member, community):
    Theme.objects.create(
        community=community,
        title="Benefits maps",
        slug="maps",
        starts_on=IN_LAST_WEEK.date(),
        ends_on=MONDAY.date(),
    )
    log(community, "thread.created", "How do you baseline benefits?")
    log(community, "answer.accepted", "Answer accepted: baselining")
    log(community, "hotseat.opened", "Hot seat with Dr Lee is open")
    log(community, "document.uploaded", "Benefits toolkit v2")
    for _ in range(3):
        log(community, "post.created", "reply")
    log(community, "member.joined", "Sam joined")
    tasks.send_digests("weekly")
    message = digest_for(member)
    assert message.subject == "Your weekly digest from 2 communities"
    for line in [
        "CURRENT THEMES",
        "* Benefits maps (Benefits Realisation · until 23 November)",
        "NEW DISCUSSIONS",
        "* How do you baseline benefits? (Benefits Realisation)",
        "QUESTIONS ANSWERED",
        "HOT SEATS",
        "NEW IN THE REPERTOIRE",
        "* 3 new replies in Benefits Realisation",
        "* 1 new member in Benefits Realisation",
    ]:
        assert line in message.body
    html = html_of(message)
    # Item links go through the aggregate click counter and land where they point.
    from newsletters import links

    counted = [links.read(t) for t in re.findall(r'href="http://testserver/email/link/([^/"]+)/"', html)]
    assert ("http://testserver/somewhere/", "digest") in counted
    assert 'style="' in html  # CSS inlined
    assert (
        "http://testserver/email/preferences/" in html
        and "http://testserver/email/preferences/" in message.body
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Id"] == "<digest-weekly.testserver>"
    assert "Message-ID" in message.extra_headers


def test_it_follows_each_members_frequency(member, community, closed_community):
    Preference.objects.create(user=member, community=community, digest="daily")
    Preference.objects.create(user=member, community=closed_community, digest="off")
    log(community, "thread.created", "Yesterday's thread", when=MONDAY.replace(day=22, hour=9))
    log(closed_community, "thread.created", "Closed thread")
    tasks.send_digests("weekly")
    assert digest_for(member) is None
    tasks.send_digests("daily")
    message = digest_for(member)
    assert "Yesterday's thread" in message.body and "Closed thread" not in message.body
    assert message.subject == "Your daily digest from Benefits Realisation"


def test_running_the_same_digest_twice_sends_it_once(member, facilitator, community):
    log(community, "thread.created", "A thread")
    tasks.send_digests("weekly")
    tasks.send_digests("weekly")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, facilitator.email])
    assert set(Delivery.objects.values_list("kind", "key", "status")) == {
        ("digest", "weekly:2026-W48", "sent")
    }


def test_a_batch_costs_the_same_queries_for_one_and_fifty_members(community, closed_community):
    log(community, "thread.created", "A thread")
    log(closed_community, "thread.created", "Another thread")
    Theme.objects.create(
        community=community, title="T", slug="t", starts_on=MONDAY.date(), ends_on=MONDAY.date()
    )
    one = [member_of(community).pk]
    fifty = []
    for _ in range(50):
        user = member_of(community)
        MembershipFactory(user=user, community=closed_community)
        fifty.append(user.pk)

    def count(ids):
        with CaptureQueriesContext(connection) as queries:
            stats = fanout.send_digest_batch(ids, weekly(), connection=FlakyConnection())
        return len(queries), stats

    few, stats_one = count(one)
    many, stats_fifty = count(fifty)
    assert (stats_one["sent"], stats_fifty["sent"]) == (1, 50)
    # memberships+users+communities, activity (newest rows and totals per verb), themes,
    # members' expertise, unanswered questions with their tags, insert deliveries, load the
    # pending rows, savepoint, lock pending, mark sending, release savepoint, suppression
    # list (the engine's eligibility check), mark sent, notifications held back by the cap
    assert few == many == 14


def test_refused_addresses_are_failed_and_a_lost_connection_retries(member, facilitator, community):
    log(community, "thread.created", "A thread")
    bounce = member_of(community, email="bounce@example.org")
    late = member_of(community, email="late@example.org")
    ids = [member.pk, facilitator.pk, bounce.pk, late.pk]
    flaky = FlakyConnection(refuse=["bounce"], temporary=["late@"])
    with pytest.raises(fanout.TemporaryFailure):
        fanout.send_digest_batch(ids, weekly(), connection=flaky)
    status = dict(Delivery.objects.values_list("recipient_id", "status"))
    assert status[bounce.pk] == "failed"
    assert status[late.pk] == "pending"  # put back for the retry
    assert (status[member.pk], status[facilitator.pk]) == ("sent", "sent")
    good = FlakyConnection()
    fanout.send_digest_batch(ids, weekly(), connection=good)
    assert [m.to for m in good.sent] == [[late.email]]  # nobody twice, the bounce never
    assert dict(Delivery.objects.values_list("recipient_id", "status")) == {
        member.pk: "sent",
        facilitator.pk: "sent",
        bounce.pk: "failed",
        late.pk: "sent",
    }


def test_a_row_left_sending_by_a_crash_is_never_resent(member, community):
    log(community, "thread.created", "A thread")
    Delivery.objects.create(
        recipient=member, email=member.email, kind="digest", key="weekly:2026-W48", status="sending"
    )
    tasks.send_digests("weekly")
    assert [m.to for m in mail.outbox if m.to == [member.email]] == []


def test_inactive_users_and_dead_communities_get_nothing(community):
    gone = member_of(community)
    gone.is_active = False
    gone.save()
    archived = CommunityFactory(status=Community.Status.ARCHIVED)
    user = UserFactory()
    MembershipFactory(user=user, community=archived)
    log(community, "thread.created", "A thread")
    log(archived, "thread.created", "Archived thread")
    tasks.send_digests("weekly")
    assert all(m.to not in ([gone.email], [user.email]) for m in mail.outbox)


def test_an_app_can_add_a_section_and_spread_keeps_it_to_each_members_communities(
    member, facilitator, community, closed_community
):
    outsider_of_closed = member_of(community, display_name="Only Open")
    seen_community_ids = []

    def questions_for_you(batch):
        seen_community_ids.append(sorted(batch.community_ids))
        by_community = {
            cid: [digests.DigestItem(f"Question in {c.name}", f"http://testserver/q/{cid}/", c.name)]
            for cid, c in batch.communities.items()
        }
        return batch.spread(by_community)

    digests.register_section(
        digests.Section("test-questions", "Questions you could answer", questions_for_you, 15)
    )
    try:
        tasks.send_digests("weekly")
    finally:
        digests._sections[:] = [s for s in digests._sections if s.key != "test-questions"]
    assert seen_community_ids == [sorted([community.pk, closed_community.pk])]
    mine = digest_for(member).body
    assert "QUESTIONS YOU COULD ANSWER" in mine and "Question in Assurance Reviewers" in mine
    theirs = digest_for(outsider_of_closed).body
    assert "Question in Benefits Realisation" in theirs and "Assurance Reviewers" not in theirs


def test_long_sections_show_the_newest_five_and_count_the_rest(facilitator, community, closed_community):
    reader = member_of(community)
    for n in range(15):
        log(community, "thread.created", f"Thread {n:02d}", when=IN_LAST_WEEK.replace(minute=n))
    for _ in range(12):
        log(community, "post.created", "reply")
    tasks.send_digests("weekly")
    body = digest_for(reader).body
    assert [f"Thread {n:02d}" in body for n in (14, 10, 9)] == [True, True, False]
    assert "* and 10 more on the site" in body
    assert "* 12 new replies in Benefits Realisation" in body
