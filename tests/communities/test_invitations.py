import pytest
from django.core import mail
from django.urls import reverse

from communities import invitations
from communities.invitations import InvitationError
from communities.models import Activity, Invitation, Membership
from newsletters.models import Notification
from tests.factories import UserFactory
from tests.utils import text

pytestmark = pytest.mark.django_db


def invite_page(community):
    return reverse("communities:invitations", args=[community.slug])


def test_a_facilitator_invites_a_pasted_list_with_a_personal_note(
    login, facilitator, closed_community, on_commit
):
    with on_commit:
        response = login(facilitator).post(
            invite_page(closed_community),
            {
                "emails": "ann@example.org, bo@example.org\ncy@example.org ann@example.org",
                "note": "You'd love it.",
            },
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ann@example.org", "bo@example.org", "cy@example.org"
    ]  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bo@example.org", "cy@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Fiona Facilitator invites you to join Assurance Reviewers"
    assert "You'd love it." in message.body and "/invitations/" in message.body
    assert (
        "You&#x27;d love it." in message.alternatives[0][0] or "You'd love it." in message.alternatives[0][0]
    )


def test_bad_addresses_are_named_and_the_text_is_kept(login, facilitator, community):
    response = login(facilitator).post(invite_page(community), {"emails": "ann@example.org, not-an-address"})
    page = text(response)
    assert "These do not look like e-mail addresses: not-an-address" in page
    assert "ann@example.org, not-an-address" in page
    assert not Invitation.objects.exists()


def test_accepting_joins_a_closed_community_the_invitation_is_the_approval(
    login, facilitator, closed_community, on_commit
):
    [invitation], _ = invitations.invite(facilitator, closed_community, ["new@example.org"], "Welcome!")
    newcomer = UserFactory(email="new@example.org")
    client = login(newcomer)
    assert "Fiona Facilitator invites you to join Assurance Reviewers" in text(
        client.get(invitation.get_absolute_url())
    )
    with on_commit:
        response = client.post(invitation.get_absolute_url())
    assert response.url == closed_community.get_absolute_url()
    membership = Membership.objects.get(user=newcomer, community=closed_community)
    assert membership.is_active
    assert Activity.objects.filter(verb="member.joined", actor=newcomer).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert any("Welcome to Assurance Reviewers" in m.subject for m in mail.outbox)


def test_someone_signed_out_is_asked_to_sign_in_or_create_an_account(client, facilitator, community):
    [invitation], _ = invitations.invite(facilitator, community, ["new@example.org"])
    page = text(client.get(invitation.get_absolute_url()))
    assert "Create an account" in page and "Sign in" in page
    response = client.post(invitation.get_absolute_url())
    assert "/accounts/login/" in response.url


def test_a_revoked_invitation_or_an_unknown_link_answers_404(login, facilitator, community, outsider):
    [invitation], _ = invitations.invite(facilitator, community, ["new@example.org"])
    login(facilitator).post(
        reverse("communities:invitation_action", args=[community.slug, invitation.pk]), {"action": "revoke"}
    )
    client = login(outsider)
    assert client.get(invitation.get_absolute_url()).status_code == 404
    assert client.get(reverse("invitation", args=["nonsense"])).status_code == 404


def test_resending_sends_the_invitation_again_once(
    login, facilitator, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [invitation], _ = invitations.invite(facilitator, community, ["new@example.org"])
    with django_capture_on_commit_callbacks(execute=True):
        login(facilitator).post(
            reverse("communities:invitation_action", args=[community.slug, invitation.pk]),
            {"action": "resend"},
        )
    assert len(mail.outbox) == 2
    from newsletters.sources.communities.craft import send_invitation

    assert send_invitation(invitation.pk, 2) is False  # a retried task never sends twice
    assert len(mail.outbox) == 2


def test_members_and_pending_invitations_are_skipped(facilitator, community, member):
    invitations.invite(facilitator, community, ["new@example.org"])
    created, skipped = invitations.invite(facilitator, community, [member.email.upper(), "NEW@example.org"])
    assert created == []
    assert [why for _, why in skipped] == [
        "is already a member",
        "already has an invitation waiting (you can resend it)",
    ]


def test_only_facilitators_invite(login, member, outsider, community, closed_community):
    assert login(member).get(invite_page(community)).status_code == 404
    assert login(outsider).get(invite_page(closed_community)).status_code == 404
    with pytest.raises(InvitationError):
        invitations.invite(member, community, ["a@example.org"])


def test_a_removed_member_cannot_rejoin_by_an_old_invitation(facilitator, closed_community):
    [invitation], _ = invitations.invite(facilitator, closed_community, ["gone@example.org"])
    gone = UserFactory(email="gone@example.org")
    Membership.objects.create(user=gone, community=closed_community, state=Membership.State.REMOVED)
    with pytest.raises(InvitationError, match="removed"):
        invitations.accept(gone, invitation)


def test_the_time_to_invite_notice_after_approval_leads_to_the_invitations_page(staff, login, on_commit):
    from communities.services import approve_community, propose_community

    proposer = UserFactory()
    community = propose_community(
        proposer, name="Risk", slug="risk", purpose="Risk people", visibility="open"
    )
    with on_commit:
        approve_community(staff, community)
    notice = Notification.objects.get(recipient=proposer, kind="community.decided")
    assert "time to invite people" in notice.text
    assert notice.url == invite_page(community)
    assert invite_page(community) in mail.outbox[-1].body
