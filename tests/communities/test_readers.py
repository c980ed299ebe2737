"""readers_of(obj): who may see an object now, from the same audience as the predicates."""

import datetime

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from communities.policy import access_for, readers_of
from forums.models import Post, Thread
from hotseats.models import HotSeat, Question
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(closed_community):
    c = closed_community
    return {
        "facilitator": member_of(c, Membership.Role.FACILITATOR),
        "core": member_of(c, Membership.Role.CORE),
        "peripheral": member_of(c),
        "pending": member_of(c, state=Membership.State.PENDING),
        "declined": member_of(c, state=Membership.State.DECLINED),
        "removed": member_of(c, state=Membership.State.REMOVED),
        "left": member_of(c, state=Membership.State.LEFT),
        "staff": UserFactory(is_staff=True),
        "outsider": UserFactory(),
        "expert": UserFactory(),
    }


def names(users, people):
    ids = {u.pk for u in users}
    return {name for name, person in people.items() if person.pk in ids}


def make_thread(community, author, **fields):
    now = timezone.now()
    thread = Thread.objects.create(
        community=community, author=author, title="Baselines", last_post_at=now, **fields
    )
    post = Post.objects.create(thread=thread, community=community, author=author, number=1, body="Hello")
    return thread, post


def make_hotseat(community, expert, status=HotSeat.Status.OPEN):
    now = timezone.now()
    return HotSeat.objects.create(
        community=community, title="After go-live", topic="Benefits", expert=expert, expert_email=expert.email,
        expert_name="Erin", opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=3),
        status=status,
    )  # fmt: skip


def test_a_closed_communitys_thread_is_read_by_active_members_and_staff_only(closed_community, people):
    thread, _ = make_thread(closed_community, people["core"])
    assert names(readers_of(thread), people) == {"facilitator", "core", "peripheral", "staff"}


def test_a_hidden_thread_is_read_by_facilitators_and_staff_only(closed_community, people):
    thread, post = make_thread(closed_community, people["core"], hidden_at=timezone.now())
    assert names(readers_of(thread), people) == {"facilitator", "staff"}
    assert names(readers_of(post), people) == {"facilitator", "staff"}


def test_a_deleted_reply_is_read_by_nobody(closed_community, people):
    _, post = make_thread(closed_community, people["core"])
    post.deleted_at = timezone.now()
    assert list(readers_of(post)) == []


def test_an_open_communitys_thread_is_read_by_everyone_signed_in(community, people):
    thread, _ = make_thread(community, people["core"])
    assert names(readers_of(thread), people) == set(people)


def test_a_community_turned_closed_stops_reaching_non_members(community, people):
    thread, _ = make_thread(community, people["core"])
    community.visibility = Community.Visibility.CLOSED
    community.save(update_fields=["visibility"])
    assert names(readers_of(thread), people) == {"staff"}


def test_an_archived_community_is_still_read_by_its_members(closed_community, people):
    closed_community.status = Community.Status.ARCHIVED
    thread, _ = make_thread(closed_community, people["core"])
    assert names(readers_of(thread), people) == {"facilitator", "core", "peripheral", "staff"}


def test_a_published_hot_seat_lets_its_invited_expert_in_but_a_draft_does_not(closed_community, people):
    hotseat = make_hotseat(closed_community, people["expert"])
    question = Question.objects.create(hotseat=hotseat, author=people["core"], body="How?")
    assert "expert" in names(readers_of(hotseat), people)
    assert "expert" in names(readers_of(question), people)
    question.hidden_at = timezone.now()
    assert names(readers_of(question), people) == {"facilitator", "staff"}
    hotseat.status = HotSeat.Status.DRAFT
    assert names(readers_of(hotseat), people) == {"facilitator", "staff"}


def test_deactivated_accounts_are_nobodys_readers(closed_community, people):
    people["core"].is_active = False
    people["core"].save(update_fields=["is_active"])
    thread, _ = make_thread(closed_community, people["facilitator"])
    assert "core" not in names(readers_of(thread), people)


def test_readers_of_is_one_query(closed_community, people, django_assert_num_queries):
    thread, _ = make_thread(closed_community, people["core"])
    thread.community = closed_community
    with django_assert_num_queries(1):
        list(readers_of(thread))


def test_the_predicate_answers_from_the_same_audience_without_a_query(
    closed_community, people, django_assert_num_queries
):
    thread, post = make_thread(closed_community, people["core"], hidden_at=timezone.now())
    post.thread = thread
    memberships = {m.user_id: m for m in Membership.objects.filter(community=closed_community)}
    readers = set(readers_of(thread))
    for person in people.values():
        with django_assert_num_queries(0):
            access = access_for(person, closed_community, memberships.get(person.pk))
            assert access.can_see(thread) == access.can_see(post) == (person in readers)


def test_an_unregistered_type_is_a_loud_error():
    with pytest.raises(LookupError, match="No audience"):
        readers_of(UserFactory.build())


def test_visible_to_querysets_follow_the_audience(closed_community, people):
    thread, _ = make_thread(closed_community, people["core"], hidden_at=timezone.now())
    for name, person in people.items():
        listed = Thread.objects.visible_to(person).filter(pk=thread.pk).exists()
        assert listed == (name in {"facilitator", "staff"}), name


def test_open_community_readers_include_a_brand_new_account(community):
    thread, _ = make_thread(community, member_of(community))
    newcomer = UserFactory()
    assert readers_of(thread).filter(pk=newcomer.pk).exists()
