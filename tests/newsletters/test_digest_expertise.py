"""The digest puts unanswered questions in front of members whose expertise matches them."""

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Thread
from newsletters import digests, tasks
from tests.factories import member_of

from .helpers import IN_LAST_WEEK, MONDAY

pytestmark = pytest.mark.django_db


def question(community, author, title, tags, **fields):
    thread = Thread.objects.create(
        community=community,
        author=author,
        title=title,
        kind=Thread.Kind.QUESTION,
        created_at=IN_LAST_WEEK,
        last_post_at=IN_LAST_WEEK,
        **fields,
    )
    thread.tags.set(tags)
    return thread


def digest_text(user):
    mine = [m for m in mail.outbox if m.to == [user.email]]
    return mine[0].body if mine else ""


def test_members_are_asked_the_unanswered_questions_that_match_their_expertise(
    community, closed_community, member, facilitator, outsider
):
    member.expertise.set(["benefits realisation", "risk"])
    asker = member_of(community)
    question(community, asker, "How do we baseline benefits?", ["benefits realisation"])
    question(community, asker, "Which agile tool?", ["agile"])
    question(community, member, "My own benefits question", ["benefits realisation"])
    question(community, asker, "Already answered benefits question", ["benefits realisation"], reply_count=2)
    question(community, asker, "Hidden benefits question", ["benefits realisation"], hidden_at=IN_LAST_WEEK)
    secret_community_asker = member_of(closed_community)
    question(closed_community, secret_community_asker, "Closed risk question", ["risk"])
    outsider.expertise.set(["risk"])

    with time_machine.travel(MONDAY, tick=False):
        tasks.send_digests("weekly")

    body = digest_text(member)
    assert "QUESTIONS YOU COULD ANSWER" in body
    assert "How do we baseline benefits?" in body
    assert "Closed risk question" in body  # the member belongs to the closed community
    for absent in ("Which agile tool?", "My own benefits question", "Already answered", "Hidden benefits"):
        assert absent not in body
    assert "Closed risk question" not in digest_text(outsider)


def test_the_expertise_section_costs_two_queries_for_any_batch(community, member):
    asker = member_of(community)
    for i in range(20):
        question(community, asker, f"Benefits question {i}", ["benefits realisation"])
    members = [member_of(community) for _ in range(30)]
    for user in members:
        user.expertise.set(["benefits realisation"])
    batch = digests.Batch([u.pk for u in members], digests.period_for("weekly", now=MONDAY))
    from newsletters.sources.forums.digest import unanswered_for_expertise

    with CaptureQueriesContext(connection) as queries:
        items = unanswered_for_expertise(batch)
    assert len(queries) == 2
    assert all(len(items[u.pk]) == digests.ITEMS_PER_SECTION for u in members)
