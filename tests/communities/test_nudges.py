import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import nudges
from communities.models import Conversation, Membership, Message, Nudge
from forums.models import Thread
from forums.services import post_reply, start_thread
from tests.factories import UserFactory, member_of
from tests.utils import text, words

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def joined(user, community, when):
    Membership.objects.filter(user=user, community=community).update(joined_at=when)


def queue(facilitator, community):
    return {n.kind: n for n in Nudge.objects.for_queue(facilitator).filter(community=community)}


def test_a_newcomer_who_joined_over_a_week_ago_and_never_posted_is_on_the_list(facilitator, community):
    quiet = member_of(community, display_name="Quinn Quiet")
    joined(quiet, community, ago(days=8))
    talker = member_of(community)
    joined(talker, community, ago(days=8))
    start_thread(talker, community, title="Hello all", body="Glad to be here.")
    fresh = member_of(community)
    joined(fresh, community, ago(days=2))
    nudges.build_queue(community)
    items = Nudge.objects.filter(facilitator=facilitator, kind=Nudge.Kind.NEWCOMER)
    assert [n.member for n in items] == [quiet]


def test_a_first_post_without_a_reply_after_a_day_is_on_the_list_until_someone_replies(
    facilitator, community, core_member
):
    newbie = member_of(community, display_name="Nia New")
    thread = start_thread(newbie, community, title="Where do I start with benefits maps?", body="Help!")
    Thread.objects.filter(pk=thread.pk).update(created_at=ago(hours=25))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.FIRST_POST]
    assert item.member == newbie and "Where do I start" in item.title
    post_reply(core_member, thread, "Start with the outcomes you want.")
    nudges.build_queue(community)
    item.refresh_from_db()
    assert item.status == Nudge.Status.DONE


def test_a_waiting_question_names_members_whose_expertise_matches(facilitator, community, member):
    expert = member_of(community, display_name="Erin Expert")
    expert.expertise.set(["Benefits mapping"])
    asker = member_of(community)
    start_thread(asker, community, title="Warm-up", body="first post")
    thread = start_thread(
        asker, community, title="Mapping benefits to outcomes?", body="How?", tags=["Benefits mapping"]
    )
    Thread.objects.filter(pk=thread.pk).update(created_at=ago(hours=30))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.WAITING_QUESTION]
    assert item.member == expert
    assert item.suggestions[0]["name"] == "Erin Expert" and "expertise" in item.suggestions[0]["why"]


def test_a_waiting_question_in_a_closed_community_never_suggests_an_outsider(
    facilitator, closed_community, outsider
):
    outsider.expertise.set(["Assurance"])
    asker = member_of(closed_community)
    start_thread(asker, closed_community, title="Warm-up", body="first post")
    thread = start_thread(asker, closed_community, title="Gateway reviews?", body="?", tags=["Assurance"])
    Thread.objects.filter(pk=thread.pk).update(created_at=ago(hours=30))
    nudges.build_queue(closed_community)
    item = queue(facilitator, closed_community)[Nudge.Kind.WAITING_QUESTION]
    assert item.member is None and item.suggestions == []


def test_core_members_quiet_for_sixty_days_and_old_join_requests_are_on_the_list(
    facilitator, community, closed_community
):
    core = member_of(community, role=Membership.Role.CORE)
    joined(core, community, ago(days=200))
    asker = member_of(closed_community, state=Membership.State.PENDING)
    Membership.objects.filter(user=asker).update(requested_at=ago(days=4))
    nudges.build_queue(community)
    nudges.build_queue(closed_community)
    assert queue(facilitator, community)[Nudge.Kind.QUIET_CORE].member == core
    assert Nudge.Kind.JOIN_REQUEST in queue(facilitator, closed_community)


def test_building_twice_adds_nothing_new(facilitator, community):
    quiet = member_of(community)
    joined(quiet, community, ago(days=9))
    assert nudges.build_queue(community) == 1
    assert nudges.build_queue(community) == 0


def test_a_facilitator_sends_a_nudge_from_the_template_and_it_converts_when_the_member_posts(
    login, facilitator, community
):
    quiet = member_of(community, display_name="Quinn Quiet")
    joined(quiet, community, ago(days=8))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.NEWCOMER]
    client = login(facilitator)
    url = reverse("communities:nudge_message", args=[community.slug, item.pk])
    form = text(client.get(url))
    assert "Hello Quinn Quiet" in form and "You joined Benefits Realisation a little while ago" in form
    response = client.post(url, {"to": quiet.pk, "body": "Hello Quinn, what are you working on?"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Nudge.Status.SENT and item.messaged == quiet
    assert Message.objects.get().body == "Hello Quinn, what are you working on?"
    assert Conversation.objects.get().community == community
    assert nudges.conversion(facilitator, community) == {"sent": 1, "converted": 0, "rate": 0}
    start_thread(quiet, community, title="My first question", body="Here goes.")
    assert nudges.conversion(facilitator, community)["converted"] == 1
    nudges.settle_outcomes()
    item.refresh_from_db()
    assert item.converted is True
    assert "1 of the 1 member you nudged posted within seven days (100%)" in words(
        client.get(reverse("communities:nudges", args=[community.slug]))
    )


def test_a_nudge_without_a_post_in_seven_days_is_recorded_as_not_converted(facilitator, community):
    quiet = member_of(community)
    joined(quiet, community, ago(days=8))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.NEWCOMER]
    nudges.send_nudge(facilitator, item, quiet, "Hello!")
    nudges.settle_outcomes(timezone.now() + 8 * DAY)
    item.refresh_from_db()
    assert item.converted is False


def test_snooze_hides_an_item_for_a_few_days_and_done_for_good(login, facilitator, community):
    for _ in range(2):
        joined(member_of(community), community, ago(days=8))
    nudges.build_queue(community)
    first, second = Nudge.objects.filter(facilitator=facilitator)
    client = login(facilitator)
    act = "communities:nudge_act"
    client.post(reverse(act, args=[community.slug, first.pk]), {"action": "snooze"})
    client.post(reverse(act, args=[community.slug, second.pk]), {"action": "done"})
    assert list(Nudge.objects.for_queue(facilitator)) == []
    assert list(Nudge.objects.for_queue(facilitator, now=timezone.now() + 4 * DAY)) == [first]


def test_facilitators_edit_the_templates(login, facilitator, community):
    client = login(facilitator)
    client.post(
        reverse("communities:nudge_templates", args=[community.slug]), {"newcomer": "Hi {name}! Tea?"}
    )
    community.refresh_from_db()
    assert nudges.template_for(community, "newcomer") == "Hi {name}! Tea?"


def test_the_queue_is_a_facilitators_own(login, facilitator, community, member, staff):
    quiet = member_of(community)
    joined(quiet, community, ago(days=8))
    nudges.build_queue(community)
    item = Nudge.objects.get()
    other = member_of(community, role=Membership.Role.FACILITATOR)
    for user in (member, staff, other):
        client = login(user)
        assert (
            client.get(reverse("communities:nudge_message", args=[community.slug, item.pk])).status_code
            == 404
        )
    assert login(member).get(reverse("communities:nudges", args=[community.slug])).status_code == 404


def test_the_nudge_queue_runs_a_constant_number_of_queries(
    login, facilitator, community, django_assert_num_queries
):
    joined(member_of(community), community, ago(days=8))
    nudges.build_queue(community)
    client = login(facilitator)
    url = reverse("communities:nudges", args=[community.slug])
    client.get(url)
    # session, user, community + membership, items with their members, conversion
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(12):
        user = UserFactory()
        Membership.objects.create(user=user, community=community, state="active", joined_at=ago(days=9))
    nudges.build_queue(community)
    for item in Nudge.objects.all()[:3]:
        nudges.send_nudge(facilitator, item, item.member, "Hello!")
    client.get(url)  # the facilitator's conversations changed: the header's counts are read again once
    with django_assert_num_queries(5):
        client.get(url)


def test_a_facilitator_can_write_to_another_suggested_member_with_the_draft_addressed_to_them(
    login, facilitator, community
):
    first, second = (
        member_of(community, display_name="Erin Expert"),
        member_of(community, display_name="Sol Second"),
    )
    first.expertise.set(["Risk"])
    second.expertise.set(["Risk"])
    asker = member_of(community)
    start_thread(asker, community, title="Warm-up", body="first post")
    thread = start_thread(asker, community, title="Risk appetite statements?", body="?", tags=["Risk"])
    Thread.objects.filter(pk=thread.pk).update(created_at=ago(hours=30))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.WAITING_QUESTION]
    url = reverse("communities:nudge_message", args=[community.slug, item.pk])
    client = login(facilitator)
    other = second if item.member == first else first
    assert f"Write to someone else instead: {other.name}" in words(client.get(url))
    assert f"Hello {other.name}" in text(client.get(url + f"?to={other.pk}"))
    assert client.get(url + "?to=abc").status_code == 200


def test_a_waiting_question_names_members_whose_accepted_answers_match(facilitator, community):
    from forums.services import accept_answer

    helper = member_of(community, display_name="Hal Helper")
    asker = member_of(community)
    old = start_thread(asker, community, title="Dis-benefits?", body="?", tags=["Dis-benefits"])
    accept_answer(asker, old, post_reply(helper, old, "Count them as negative benefits."))
    thread = start_thread(
        asker, community, title="Recording dis-benefits?", body="How?", tags=["Dis-benefits"]
    )
    Thread.objects.filter(pk=thread.pk).update(created_at=ago(hours=30))
    nudges.build_queue(community)
    item = queue(facilitator, community)[Nudge.Kind.WAITING_QUESTION]
    assert item.member == helper
    assert item.suggestions[0]["why"] == "1 accepted answer on it: Dis-benefits"
