"""Badges awarded by beat (communities.recognition.award_badges): each kind from its own events,
once per member and community however often the task runs, and the member is told."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import activity, recognition, services
from communities.models import Badge, Membership
from forums import services as forums
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from newsletters.models import Notification
from tests.factories import UserFactory, member_of
from tests.utils import text

pytestmark = pytest.mark.django_db


def kinds_of(user, community=None):
    qs = Badge.objects.filter(user=user)
    if community is not None:
        qs = qs.filter(community=community)
    return set(qs.values_list("kind", flat=True))


def test_first_post_badge_is_awarded_once_and_the_member_is_told(community, member, on_commit):
    forums.start_thread(member, community, title="How do you baseline benefits?", body="Asking for a friend.")
    with on_commit:
        first = recognition.award_badges()
        second = recognition.award_badges()
    assert first == {Badge.Kind.FIRST_POST: 1}
    assert second == {}
    assert kinds_of(member) == {Badge.Kind.FIRST_POST}
    notes = list(Notification.objects.filter(recipient=member, kind="badge"))
    assert len(notes) == 1
    assert "First post" in notes[0].text and community.name in notes[0].text


def test_a_withdrawn_post_earns_nothing(community, member, facilitator):
    thread = forums.start_thread(member, community, title="Spam", body="Buy now")
    from forums.services import moderation

    moderation.hide_post(facilitator, thread.posts.get(number=1))
    recognition.award_badges()
    assert kinds_of(member) == set()


def test_first_accepted_answer_and_not_for_answering_oneself(community, member, core_member):
    question = forums.start_thread(member, community, title="Which template?", body="For a benefits map.")
    reply = forums.post_reply(core_member, question, "Use the one in the library.")
    mine = forums.post_reply(member, question, "Found it myself too.")
    forums.accept_answer(member, question, reply)
    recognition.award_badges()
    assert Badge.Kind.FIRST_ACCEPTED in kinds_of(core_member)
    forums.accept_answer(member, question, mine)
    recognition.award_badges()
    assert Badge.Kind.FIRST_ACCEPTED not in kinds_of(member)


def test_ten_helpful_marks_across_posts_in_one_community(community, core_member):
    thread = forums.start_thread(core_member, community, title="Benefit profiles", body="Here is mine.")
    second = forums.post_reply(core_member, thread, "And another.")
    markers = [member_of(community) for _ in range(9)]
    for m in markers[:5]:
        forums.toggle_helpful(m, thread.posts.get(number=1))
    for m in markers[:4]:
        forums.toggle_helpful(m, second)
    recognition.award_badges()
    assert Badge.Kind.TEN_HELPFUL not in kinds_of(core_member)  # nine
    forums.toggle_helpful(markers[8], second)
    recognition.award_badges()
    assert Badge.Kind.TEN_HELPFUL in kinds_of(core_member, community)


def test_welcomer_counts_ten_different_newcomers_first_discussions(community, core_member):
    newcomers = [member_of(community) for _ in range(10)]
    for n, newcomer in enumerate(newcomers):
        thread = forums.start_thread(newcomer, community, title=f"Hello from {n}", body="New here.")
        assert thread.is_first_post
        forums.post_reply(core_member, thread, "Welcome! Glad you are here.")
        if n == 0:
            forums.post_reply(core_member, thread, "A second reply to the same newcomer counts once.")
            recognition.award_badges()
            assert Badge.Kind.WELCOMER not in kinds_of(core_member)
    recognition.award_badges()
    assert Badge.Kind.WELCOMER in kinds_of(core_member)
    assert Badge.Kind.WELCOMER not in kinds_of(newcomers[0])


def test_library_curator_after_five_library_additions(community, core_member):
    for n in range(4):
        activity.record(community, core_member, "link.added", f"link {n}")
    activity.record(community, core_member, "thread.created", "not a library addition")
    recognition.award_badges()
    assert Badge.Kind.CURATOR not in kinds_of(core_member)
    activity.record(community, core_member, "document.uploaded", "a toolkit")
    recognition.award_badges()
    assert Badge.Kind.CURATOR in kinds_of(core_member)


def test_a_year_of_facilitating_counts_from_becoming_a_facilitator(community, facilitator, core_member):
    now = timezone.now()
    founder_since = now - datetime.timedelta(days=400)
    Membership.objects.filter(user=facilitator, community=community).update(joined_at=founder_since)
    Membership.objects.filter(user=core_member, community=community).update(joined_at=founder_since)
    services.change_role(
        facilitator, Membership.objects.get(user=core_member, community=community), "facilitator"
    )
    recognition.award_badges()
    assert Badge.Kind.FACILITATOR_YEAR in kinds_of(facilitator, community)
    # Member for 400 days, facilitator since today: not yet.
    assert Badge.Kind.FACILITATOR_YEAR not in kinds_of(core_member)
    recognition.award_badges(now=now + datetime.timedelta(days=366))
    assert Badge.Kind.FACILITATOR_YEAR in kinds_of(core_member)


def test_hotseat_expert_badge_for_the_expert_who_answered(community, facilitator, member):
    expert = UserFactory(display_name="Dr Expert")
    now = timezone.now()
    seat = HotSeat.objects.create(
        community=community, title="Assurance", expert=expert, expert_email=expert.email, expert_name="Dr Expert",
        opens_at=now - datetime.timedelta(days=2), closes_at=now - datetime.timedelta(days=1),
        status=HotSeat.Status.CLOSED, created_by=facilitator,
    )  # fmt: skip
    Question.objects.create(hotseat=seat, author=member, body="Unanswered?")
    recognition.award_badges()
    assert kinds_of(expert) == set()
    Question.objects.create(
        hotseat=seat, author=member, body="How?", answer="Like so.", answered_at=now, answered_by=expert
    )
    recognition.award_badges()
    assert kinds_of(expert, community) == {Badge.Kind.HOTSEAT_EXPERT}


def test_queries_per_kind_do_not_grow_with_the_data(community, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            person = member_of(community)
            thread = Thread.objects.create(community=community, author=person, title="t", is_first_post=True)
            Post.objects.create(thread=thread, community=community, author=person, number=1, body="b")
            activity.record(community, person, "thread.created", "t", target=thread)

    kinds = len(recognition.badge_rules())
    make(2)
    # Per kind: the rule's query and (when it found anyone) one INSERT; then one to read back
    # this run's rows. Only "first post" finds anyone here.
    with django_assert_num_queries(kinds + 1 + 1):
        assert recognition.award_badges() == {Badge.Kind.FIRST_POST: 2}
    make(30)
    with django_assert_num_queries(kinds + 1 + 1):
        assert recognition.award_badges() == {Badge.Kind.FIRST_POST: 30}


def test_two_runs_at_once_award_and_tell_once(community, member, on_commit):
    """Both runs find the same earner before either inserts: the constraint admits one row, and
    only the run that inserted it tells the member."""
    forums.start_thread(member, community, title="Hello", body="First!")
    pairs = list(recognition.first_posts(timezone.now()))
    rule = recognition._rules[Badge.Kind.FIRST_POST]
    stale = recognition.BadgeRule(rule.kind, rule.how, lambda now: pairs, order=rule.order)
    recognition.register_badge_rule(stale)
    try:
        with on_commit:
            a = recognition.award_badges()
            b = recognition.award_badges()
    finally:
        recognition.register_badge_rule(rule)
    assert a == {Badge.Kind.FIRST_POST: 1} and b == {}
    assert Badge.objects.filter(user=member).count() == 1
    assert Notification.objects.filter(recipient=member, kind="badge").count() == 1


def test_badges_page_says_how_each_is_earned_and_shows_mine(community, member, login):
    Badge.objects.create(user=member, community=community, kind=Badge.Kind.WELCOMER)
    response = login(member).get(reverse("badges"))
    page = text(response)
    for rule in recognition.badge_rules():
        assert rule.how in page
    assert "Welcomed ten newcomers" in page and "You have it" in page
    assert page.count("Stewardship") >= 3


def test_profile_shows_badges_only_of_communities_the_viewer_may_see(
    community, closed_community, member, outsider, login
):
    Badge.objects.create(user=member, community=community, kind=Badge.Kind.FIRST_POST)
    Badge.objects.create(user=member, community=closed_community, kind=Badge.Kind.CURATOR)
    page = text(login(outsider).get(member.get_absolute_url()))
    assert "First post" in page
    assert "Library curator" not in page and closed_community.name not in page
