import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities import path
from communities.models import Activity, Membership
from communities.path import Stage
from forums.services import accept_answer, post_reply, start_thread
from newsletters.models import Notification
from tests.factories import MembershipFactory, UserFactory, member_of
from tests.utils import text, words

pytestmark = pytest.mark.django_db


def home(community):
    return reverse("communities:home", args=[community.slug])


def membership(user, community):
    return Membership.objects.get(user=user, community=community)


def replies(author, community, n, *, question=None):
    asker = member_of(community)
    thread = question or start_thread(asker, community, title="How do you baseline benefits?", body="Asking.")
    return thread, [post_reply(author, thread, f"Reply number {i} with some detail.") for i in range(n)]


def test_a_member_who_never_posted_is_an_observer_with_small_first_steps(login, member, community):
    page = words(login(member).get(home(community)))
    assert "You are Observer" in page
    assert "Next: Contributor" in page
    assert "Introduce yourself in the introductions thread" in page
    assert "Ask your first question" in page


def test_the_first_post_makes_a_member_a_contributor_by_itself(login, member, community):
    start_thread(member, community, title="Hello from Leeds", body="Glad to be here.")
    page = words(login(member).get(home(community)))
    assert "You are Contributor" in page
    assert "0 of 5 replies, or 0 of 1 accepted answer, in the last 90 days" in page
    assert "Add a document, template or toolkit to the library" in page


def test_five_replies_in_ninety_days_make_a_contributor_ready_for_regular(member, community, facilitator):
    replies(member, community, 4)
    assert path.ready_members(community) == []
    replies(member, community, 1)
    [(ready, progress)] = path.ready_members(community)
    assert ready.user == member and progress.next_stage == Stage.REGULAR and progress.ready


def test_old_replies_do_not_count_towards_the_window(member, community, facilitator):
    replies(member, community, 5)
    Activity.objects.filter(actor=member).update(created_at=timezone.now() - datetime.timedelta(days=91))
    assert path.ready_members(community) == []
    assert path.my_progress(membership(member, community), community).stage == Stage.CONTRIBUTOR


def test_one_accepted_answer_is_enough_for_regular(member, community, facilitator):
    thread, [answer] = replies(member, community, 1)
    assert path.ready_members(community) == []
    accept_answer(facilitator, thread, answer)
    [(ready, progress)] = path.ready_members(community)
    assert ready.user == member and progress.accepted == 1


def test_facilitators_tune_the_criteria_and_rename_the_stages(login, facilitator, member, community):
    replies(member, community, 2)
    client = login(facilitator)
    data = {f"name_{s}": n for s, n in enumerate(["Reader", "Voice", "Regular", "Core", "Host"])}
    data.update(
        regular_replies=2, regular_accepted=1, regular_days=30, core_replies=10, core_accepted=2, core_days=90
    )
    response = client.post(reverse("communities:path_settings", args=[community.slug]), data)
    assert response.status_code == 302
    community.refresh_from_db()
    assert path.stage_name(community, Stage.OBSERVER) == "Reader"
    [(ready, progress)] = path.ready_members(community)
    assert progress.name == "Voice"
    page = words(login(member).get(home(community)))
    assert "You are Voice" in page and "2 of 2 replies" in page


def test_a_facilitator_moves_a_ready_member_up_with_a_note_in_one_click(
    login, facilitator, member, community, on_commit
):
    replies(member, community, 5)
    m = membership(member, community)
    page = text(login(facilitator).get(home(community)))
    assert "Ready for a next step" in page and member.name in page
    with on_commit:
        response = login(facilitator).post(
            reverse("communities:move_up", args=[community.slug, m.pk]),
            {"note": "Your answers on baselines are gold."},
        )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.stage == Stage.REGULAR and m.role == Membership.Role.PERIPHERAL
    event = Activity.objects.get(verb="member.stage_changed")
    assert event.actor == member and "Regular" in event.summary
    notice = Notification.objects.get(recipient=member, kind="path.stage")
    assert "Your answers on baselines are gold." in notice.text
    assert any("Regular" in message.subject or "Regular" in message.body for message in mail.outbox)


def test_moving_a_regular_up_makes_them_a_core_member(facilitator, member, community):
    m = membership(member, community)
    m.stage = Stage.REGULAR
    m.save()
    replies(member, community, 20)
    [(ready, progress)] = path.ready_members(community)
    assert progress.next_stage == Stage.CORE
    path.move_up(facilitator, m, "")
    m.refresh_from_db()
    assert m.role == Membership.Role.CORE
    assert path.my_progress(m, community).name == "Core member"


def test_members_cannot_move_anyone_up(login, member, core_member, community):
    m = membership(core_member, community)
    response = login(member).post(reverse("communities:move_up", args=[community.slug, m.pk]))
    assert response.status_code == 404
    with pytest.raises(path.PathError):
        path.move_up(member, m)


def test_the_path_page_is_for_facilitators_only(login, member, outsider, facilitator, closed_community):
    url = reverse("communities:path", args=[closed_community.slug])
    assert login(outsider).get(url).status_code == 404
    assert login(member).get(url).status_code == 404
    assert login(facilitator).get(url).status_code == 200


def test_an_outsider_sees_no_path_panel(client, outsider, login, community):
    assert "Your path here" not in text(login(outsider).get(home(community)))


def test_the_path_panel_costs_one_query_whatever_the_activity(
    member, community, facilitator, django_assert_num_queries
):
    m = membership(member, community)
    with django_assert_num_queries(1):
        path.my_progress(m, community)
    replies(member, community, 12)
    with django_assert_num_queries(1):
        progress = path.my_progress(m, community)
    assert progress.replies == 12


def test_the_ready_list_costs_one_query_whatever_the_number_of_members(
    community, facilitator, django_assert_num_queries
):
    for _ in range(3):
        replies(member_of(community), community, 5)
    with django_assert_num_queries(1):
        assert len(path.ready_members(community)) == 3
    for _ in range(10):
        replies(member_of(community), community, 5)
    with django_assert_num_queries(1):
        assert len(path.ready_members(community, limit=5)) == 5


def test_the_path_page_runs_a_constant_number_of_queries(
    login, facilitator, community, django_assert_num_queries
):
    client = login(facilitator)
    url = reverse("communities:path", args=[community.slug])
    client.get(url)
    # session, user, community + membership, ready list, count, page of members
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(15):
        user = UserFactory()
        MembershipFactory(user=user, community=community)
        replies(user, community, 5)
    with django_assert_num_queries(6):
        client.get(url)


def test_moves_and_role_changes_are_kept_as_stage_history(facilitator, member, community):
    from communities import services
    from communities.models import StageChange

    membership = Membership.objects.get(user=member, community=community)
    Membership.objects.filter(pk=membership.pk).update(stage=Stage.REGULAR)
    path.move_up(facilitator, membership, note="")
    services.change_role(facilitator, Membership.objects.get(pk=membership.pk), Membership.Role.FACILITATOR)
    services.change_role(facilitator, Membership.objects.get(pk=membership.pk), Membership.Role.CORE)
    services.remove_member(facilitator, Membership.objects.get(pk=membership.pk))

    rows = StageChange.objects.filter(community=community, user=member)
    assert list(rows.values_list("role_before", "stage_before", "role", "stage")) == [
        ("peripheral", 2, "core", 3),
        ("core", 3, "facilitator", 3),
        ("facilitator", 3, "core", 3),
        ("core", 3, "peripheral", 3),
    ]
    assert all(r.changed_by == facilitator for r in rows)
