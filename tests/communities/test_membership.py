import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Membership
from newsletters.models import Delivery, Notification
from tests.factories import member_of
from tests.utils import text

pytestmark = pytest.mark.django_db


def test_member_joins_open_community_at_once_and_gets_a_welcome(
    login, outsider, community, facilitator, on_commit
):
    with on_commit:
        response = login(outsider).post(reverse("communities:join", args=[community.slug]), follow=True)

    assert "Welcome to Benefits Realisation!" in text(response)
    membership = Membership.objects.get(user=outsider, community=community)
    assert (membership.state, membership.role) == ("active", "peripheral")
    assert len(mail.outbox) == 1
    welcome = mail.outbox[0]
    assert welcome.to == [outsider.email]
    assert welcome.subject == f"Welcome to Benefits Realisation, {outsider.name}"
    assert f"Hello {outsider.name}" in welcome.body
    assert "Fiona Facilitator" in welcome.body  # signed by a facilitator
    assert welcome.reply_to == [facilitator.email]
    html = welcome.alternatives[0][0]
    assert "<strong>Benefits Realisation</strong>" in html
    assert 'style="' in html  # CSS inlined for mail clients


def test_joining_twice_is_refused_with_a_clear_message(login, member, community):
    response = login(member).post(reverse("communities:join", args=[community.slug]), follow=True)

    assert "You are already a member of Benefits Realisation." in text(response)
    assert Membership.objects.filter(user=member, community=community).count() == 1


def test_join_requires_sign_in(client, community):
    response = client.post(reverse("communities:join", args=[community.slug]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Membership.objects.filter(community=community).exists()


def test_join_is_post_only(login, outsider, community):
    response = login(outsider).get(reverse("communities:join", args=[community.slug]))
    assert response.status_code == 405


def test_closed_community_cannot_be_joined_directly(login, outsider, closed_community):
    response = login(outsider).post(reverse("communities:join", args=[closed_community.slug]))

    assert response.status_code == 404
    assert not Membership.objects.filter(user=outsider, community=closed_community).exists()


def test_outsider_asks_to_join_closed_community_and_facilitators_are_told(
    login, outsider, closed_community, facilitator, on_commit
):
    url = reverse("communities:request", args=[closed_community.slug])
    with on_commit:
        response = login(outsider).post(url, {"message": "I review major projects."}, follow=True)

    assert "Your request has been sent" in text(response)
    assert "Your request is with the facilitators." in text(response)
    membership = Membership.objects.get(user=outsider, community=closed_community)
    assert membership.state == "pending"
    assert membership.request_message == "I review major projects."
    notice = Notification.objects.get(recipient=facilitator)
    assert notice.text == f"{outsider.name} asked to join Assurance Reviewers"
    assert mail.outbox == []  # nothing is welcomed until a facilitator approves


def test_asking_twice_is_refused_and_keeps_the_first_request(login, pending, closed_community):
    url = reverse("communities:request", args=[closed_community.slug])
    response = login(pending).post(url, {"message": "Again!"}, follow=True)

    assert "You have already asked to join" in text(response)
    assert Membership.objects.get(user=pending, community=closed_community).request_message == ""


def test_request_message_that_is_too_long_is_refused_and_kept(login, outsider, closed_community):
    url = reverse("communities:request", args=[closed_community.slug])
    note = "x" * 1001
    response = login(outsider).post(url, {"message": note})

    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters" in text(response)
    assert note in text(response)
    assert not Membership.objects.filter(user=outsider, community=closed_community).exists()


def test_facilitator_approves_a_request_and_the_member_is_welcomed(
    login, facilitator, pending, closed_community, on_commit
):
    membership = Membership.objects.get(user=pending, community=closed_community)
    url = reverse("communities:decide", args=[closed_community.slug, membership.pk])
    with on_commit:
        response = login(facilitator).post(url, {"decision": "approve"}, follow=True)

    assert f"{pending.name}'s request was approved" in text(response)
    membership.refresh_from_db()
    assert membership.state == "active"
    assert membership.decided_by == facilitator
    assert [m.subject for m in mail.outbox] == [f"Welcome to Assurance Reviewers, {pending.name}"]
    assert "Fiona Facilitator" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=pending, kind="membership.approved").exists()


def test_facilitator_declines_with_a_reason_and_the_requester_is_told(
    login, facilitator, pending, closed_community, on_commit
):
    membership = Membership.objects.get(user=pending, community=closed_community)
    url = reverse("communities:decide", args=[closed_community.slug, membership.pk])
    with on_commit:
        login(facilitator).post(url, {"decision": "decline", "reason": "Reviewers only, sorry."})

    membership.refresh_from_db()
    assert membership.state == "declined"
    notice = Notification.objects.get(recipient=pending)
    assert "declined" in notice.text and "Reviewers only, sorry." in notice.text
    assert len(mail.outbox) == 1
    assert "Reviewers only, sorry." in mail.outbox[0].body


def test_deciding_a_request_that_is_already_decided_is_refused(
    login, facilitator, pending, closed_community, on_commit
):
    membership = Membership.objects.get(user=pending, community=closed_community)
    url = reverse("communities:decide", args=[closed_community.slug, membership.pk])
    client = login(facilitator)
    with on_commit:
        client.post(url, {"decision": "approve"})
        response = client.post(url, {"decision": "decline"}, follow=True)

    assert "already been decided (active)" in text(response)
    membership.refresh_from_db()
    assert membership.state == "active"
    assert len(mail.outbox) == 1


def test_a_non_facilitator_cannot_decide_requests(login, member, pending, closed_community):
    membership = Membership.objects.get(user=pending, community=closed_community)
    url = reverse("communities:decide", args=[closed_community.slug, membership.pk])
    response = login(member).post(url, {"decision": "approve"})

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.state == "pending"


def test_decision_without_a_choice_is_refused(login, facilitator, pending, closed_community):
    membership = Membership.objects.get(user=pending, community=closed_community)
    url = reverse("communities:decide", args=[closed_community.slug, membership.pk])
    response = login(facilitator).post(url, {}, follow=True)

    assert "Please choose whether to approve or decline" in text(response)
    membership.refresh_from_db()
    assert membership.state == "pending"


def test_requests_page_lists_pending_requests_for_facilitators_only(
    login, facilitator, member, pending, closed_community
):
    url = reverse("communities:requests", args=[closed_community.slug])

    page = text(login(facilitator).get(url))
    assert pending.name in page

    assert login(member).get(url).status_code == 404


def test_member_leaves_a_community(login, member, community):
    response = login(member).post(reverse("communities:leave", args=[community.slug]), follow=True)

    assert "You have left Benefits Realisation" in text(response)
    assert Membership.objects.get(user=member, community=community).state == "left"


def test_the_only_facilitator_cannot_leave(login, facilitator, community):
    response = login(facilitator).post(reverse("communities:leave", args=[community.slug]), follow=True)

    assert "You are the only facilitator" in text(response)
    assert Membership.objects.get(user=facilitator, community=community).is_facilitator


def test_member_who_left_and_rejoins_is_not_welcomed_twice(
    login, outsider, community, facilitator, on_commit
):
    client = login(outsider)
    with on_commit:
        client.post(reverse("communities:join", args=[community.slug]))
        client.post(reverse("communities:leave", args=[community.slug]))
        client.post(reverse("communities:join", args=[community.slug]))

    assert Membership.objects.get(user=outsider, community=community).state == "active"
    assert len(mail.outbox) == 1
    assert Delivery.objects.get(recipient=outsider).status == "sent"


def test_facilitator_promotes_a_member_to_core(login, facilitator, member, community):
    membership = Membership.objects.get(user=member, community=community)
    url = reverse("communities:set_role", args=[community.slug, membership.pk])
    response = login(facilitator).post(url, {"role": "core"}, follow=True)

    assert f"{member.name} is now a core member." in text(response)
    membership.refresh_from_db()
    assert membership.role == "core"


def test_facilitator_appoints_another_facilitator_and_can_then_step_down(
    login, facilitator, member, community
):
    client = login(facilitator)
    theirs = Membership.objects.get(user=member, community=community)
    mine = Membership.objects.get(user=facilitator, community=community)
    client.post(reverse("communities:set_role", args=[community.slug, theirs.pk]), {"role": "facilitator"})
    client.post(reverse("communities:set_role", args=[community.slug, mine.pk]), {"role": "core"})

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.role, mine.role) == ("facilitator", "core")


def test_the_last_facilitator_cannot_be_demoted_or_removed(login, facilitator, staff, community):
    mine = Membership.objects.get(user=facilitator, community=community)
    client = login(facilitator)
    response = client.post(
        reverse("communities:set_role", args=[community.slug, mine.pk]), {"role": "core"}, follow=True
    )
    assert "A community needs at least one facilitator" in text(response)

    response = login(staff).post(reverse("communities:remove", args=[community.slug, mine.pk]), follow=True)
    assert "A community needs at least one facilitator" in text(response)
    mine.refresh_from_db()
    assert mine.is_facilitator


def test_a_member_cannot_change_roles(login, member, core_member, community):
    theirs = Membership.objects.get(user=core_member, community=community)
    response = login(member).post(
        reverse("communities:set_role", args=[community.slug, theirs.pk]), {"role": "facilitator"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "core"


def test_an_unknown_role_is_refused(login, facilitator, member, community):
    theirs = Membership.objects.get(user=member, community=community)
    url = reverse("communities:set_role", args=[community.slug, theirs.pk])
    response = login(facilitator).post(url, {"role": "emperor"}, follow=True)

    assert "Please choose a role." in text(response)


def test_facilitator_removes_a_member(login, facilitator, member, community):
    theirs = Membership.objects.get(user=member, community=community)
    response = login(facilitator).post(
        reverse("communities:remove", args=[community.slug, theirs.pk]), follow=True
    )

    assert f"{member.name} was removed" in text(response)
    theirs.refresh_from_db()
    assert theirs.state == "removed"


def test_a_declined_requester_may_ask_again(login, closed_community, facilitator):
    user = member_of(closed_community, state=Membership.State.DECLINED)
    url = reverse("communities:request", args=[closed_community.slug])
    response = login(user).post(url, {"message": "I now work in assurance."}, follow=True)

    assert "Your request has been sent" in text(response)
    assert Membership.objects.get(user=user, community=closed_community).state == "pending"
