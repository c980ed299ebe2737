"""The sponsors' quarterly e-mail: figures equal to counts made here from the fixture, sent once
per sponsor and quarter however often beat runs, nothing for archived communities, and figures,
not content, from a closed community."""

import datetime
import statistics

import pytest
from django.core import mail

from communities.models import Activity, Community, Document, Membership, Sponsorship
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from newsletters.models import Delivery
from newsletters.sources.communities import sponsor_reports
from tests.factories import CommunityFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
RUN_AT = datetime.datetime(2026, 10, 2, 8, 20, tzinfo=UTC)  # the second day of Q4
IN_Q3 = datetime.datetime(2026, 8, 10, 9, 0, tzinfo=UTC)
AFTER_Q3 = datetime.datetime(2026, 10, 1, 0, 30, tzinfo=UTC)


def sponsor_of(community, name="Sam Sponsor"):
    user = UserFactory(display_name=name)
    Sponsorship.objects.create(community=community, user=user, created_at=IN_Q3 - datetime.timedelta(days=30))
    return user


def log(community, actor, verb, when, **extra):
    return Activity.objects.create(
        community=community, actor=actor, verb=verb, summary=verb, created_at=when, **extra
    )


def question(community, author, when, title, reply_after=None, replier=None):
    thread = Thread.objects.create(community=community, author=author, title=title, created_at=when)
    Post.objects.create(
        thread=thread, community=community, author=author, number=1, body="?", created_at=when
    )
    if reply_after is not None:
        Post.objects.create(
            thread=thread,
            community=community,
            author=replier,
            number=2,
            body="!",
            created_at=when + reply_after,
        )
    return thread


@pytest.fixture
def world():
    community = CommunityFactory(name="Risk & Issue Leads", slug="risk", visibility=Community.Visibility.OPEN)
    a, b, c = (member_of(community) for _ in range(3))
    member_of(community, state=Membership.State.LEFT)
    stranger = UserFactory()
    # Contributions: four by members in Q3; one in Q4, one by a non-member, one withdrawn.
    for day in (1, 2, 3):
        log(community, a, "thread.created", IN_Q3 + datetime.timedelta(days=day))
    log(community, b, "post.created", IN_Q3 + datetime.timedelta(days=20))
    log(community, a, "post.created", AFTER_Q3)
    log(community, stranger, "post.created", IN_Q3)
    log(community, b, "post.created", IN_Q3, withdrawn_at=IN_Q3)
    log(community, c, "member.joined", IN_Q3)  # not a contribution
    # Questions: two in Q3 (first replies after 2 h and 7 h), one unanswered, one in Q4.
    question(community, a, IN_Q3, "Open question one", datetime.timedelta(hours=2), b)
    question(
        community, b, IN_Q3 + datetime.timedelta(days=1), "Open question two", datetime.timedelta(hours=7), c
    )
    question(community, c, IN_Q3 + datetime.timedelta(days=2), "Open question three")
    question(community, a, AFTER_Q3, "Next quarter's question", datetime.timedelta(hours=1), b)
    seat = HotSeat.objects.create(
        community=community, title="Risk appetite", expert_email="e@example.org", expert_name="Dr E",
        opens_at=IN_Q3, closes_at=IN_Q3 + datetime.timedelta(days=4), status=HotSeat.Status.CLOSED,
    )  # fmt: skip
    Question.objects.create(hotseat=seat, author=a, body="1", answered_at=IN_Q3 + datetime.timedelta(days=1))
    Question.objects.create(hotseat=seat, author=b, body="2")
    Document.objects.create(community=community, title="Risk register template", download_count=12)
    Document.objects.create(community=community, title="Appetite statement", download_count=4)
    Document.objects.create(community=community, title="Never opened")

    closed = CommunityFactory(name="Secret Reviews", slug="secret", visibility=Community.Visibility.CLOSED)
    d = member_of(closed, display_name="Hidden Person")
    log(closed, d, "thread.created", IN_Q3)
    question(
        closed, d, IN_Q3, "Confidential merger assurance", datetime.timedelta(hours=1), member_of(closed)
    )
    Document.objects.create(community=closed, title="Confidential gateway report", download_count=9)
    archived = CommunityFactory(name="Old Club", slug="old", status=Community.Status.ARCHIVED)
    return {
        "community": community, "sponsor": sponsor_of(community), "closed": closed,
        "closed_sponsor": sponsor_of(closed, "Cleo Closed"), "archived": archived,
        "archived_sponsor": sponsor_of(archived, "Arch Sponsor"),
    }  # fmt: skip


def message_to(user):
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def test_figures_equal_an_independent_count(world):
    sponsor_reports.send_reports(now=RUN_AT)
    message = message_to(world["sponsor"])
    body = message.body
    html = message.alternatives[0][0]
    # Counted by hand from the fixture above.
    members = 3
    contributions, contributors = 4, 2
    median = statistics.median([2.0, 7.0])
    assert f"{members} members" in body
    assert (
        f"{contributors} contributed ({round(100 * contributors / members)}% of members): {contributions} contributions"
        in body
    )
    assert "3 questions asked, 2 answered by another member" in body
    assert f"Median time to a first reply: {median} hours" in body
    assert "Still unanswered: 33%" in body
    assert "1 hot seat held, 2 questions put to the experts, 50% answered" in body
    assert "3 documents, downloaded 16 times in all" in body
    assert 'Most used: "Risk register template" (12), "Appetite statement" (4)' in body
    assert "Never opened" not in body
    assert "http://testserver/communities/risk/dashboard/?days=90" in body
    # The HTML part carries the same figures.
    assert f"<strong>{contributors}</strong> contributed" in html
    assert "Median time to a first reply: <strong>4.5 hours</strong>" in html


def test_plain_text_subject_names_the_quarter(world):
    sponsor_reports.send_reports(now=RUN_AT)
    subject = message_to(world["sponsor"]).subject
    assert subject == "Risk & Issue Leads: your quarterly report, July to September 2026"


def test_sent_once_per_sponsor_and_quarter_when_run_twice(world):
    sponsor_reports.send_reports(now=RUN_AT)
    sponsor_reports.send_reports(now=RUN_AT + datetime.timedelta(days=1))
    assert len([m for m in mail.outbox if m.to == [world["sponsor"].email]]) == 1
    assert Delivery.objects.filter(kind="sponsor_report", recipient=world["sponsor"]).count() == 1
    # The next quarter is a new key.
    sponsor_reports.send_reports(now=RUN_AT + datetime.timedelta(days=92))
    assert len([m for m in mail.outbox if m.to == [world["sponsor"].email]]) == 2


def test_archived_communities_are_skipped(world):
    sponsor_reports.send_reports(now=RUN_AT)
    assert not [m for m in mail.outbox if m.to == [world["archived_sponsor"].email]]


def test_a_community_archived_before_sending_is_skipped_at_send_time(world):
    from newsletters import sending

    sponsor_reports.sending.reserve_many(
        sponsor_reports.KIND, sponsor_reports.key_for(world["community"].pk, "2026-Q3"),
        [(world["sponsor"].pk, world["sponsor"].email)],
    )  # fmt: skip
    Community.objects.filter(pk=world["community"].pk).update(status=Community.Status.ARCHIVED)
    rows = list(Delivery.objects.filter(kind=sponsor_reports.KIND).select_related("recipient"))
    sending.send_batch(sponsor_reports.KIND, rows)
    row = Delivery.objects.get(kind=sponsor_reports.KIND)
    assert (row.status, row.reason) == ("skipped", "community archived")
    assert mail.outbox == []


def test_a_closed_communitys_report_has_figures_not_content(world):
    sponsor_reports.send_reports(now=RUN_AT)
    message = message_to(world["closed_sponsor"])
    everything = message.subject + message.body + message.alternatives[0][0]
    for private in ("Confidential merger assurance", "Confidential gateway report", "Hidden Person"):
        assert private not in everything
    assert "1 question asked, 1 answered by another member" in message.body
    assert "The most used documents were downloaded 9 times" in message.body


def test_sponsors_added_after_the_quarter_wait_for_the_next(world):
    late = UserFactory()
    Sponsorship.objects.create(
        community=world["community"], user=late, created_at=RUN_AT - datetime.timedelta(hours=1)
    )
    sponsor_reports.send_reports(now=RUN_AT)
    assert not [m for m in mail.outbox if m.to == [late.email]]


def test_quarter_boundaries():
    from communities.insight import quarter_before

    label, period = quarter_before(datetime.datetime(2026, 1, 15, tzinfo=UTC))
    assert label == "2025-Q4"
    assert period.start == datetime.datetime(2025, 10, 1, tzinfo=UTC)
    assert (
        period.end < datetime.datetime(2026, 1, 1, tzinfo=UTC) <= period.end + datetime.timedelta(seconds=1)
    )
    assert quarter_before(datetime.datetime(2026, 4, 1, tzinfo=UTC))[0] == "2026-Q1"
    assert sponsor_reports.period_of("2026-Q3")[1].start == datetime.datetime(2026, 7, 1, tzinfo=UTC)
