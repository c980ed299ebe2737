"""An expert without an account is invited by e-mail and gets one through the invitation."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from hotseats import services
from hotseats.models import HotSeat
from newsletters.sources.hotseats.emails import send_expert_invitation
from tests.factories import UserFactory
from tests.utils import text

from .conftest import make_hotseat

pytestmark = pytest.mark.django_db


def schedule_with_new_expert(facilitator, community, on_commit):
    hotseat = make_hotseat(community, None, state="draft", expert_email="nadia@newexpert.example")
    with on_commit:
        services.schedule_hotseat(facilitator, hotseat)
    return HotSeat.objects.get(pk=hotseat.pk)


def test_new_expert_is_invited_once_signs_up_and_sees_only_their_hot_seat(
    client, facilitator, member, closed_community, django_capture_on_commit_callbacks
):
    hotseat = schedule_with_new_expert(
        facilitator, closed_community, django_capture_on_commit_callbacks(execute=True)
    )
    invitations = [m for m in mail.outbox if m.to == ["nadia@newexpert.example"]]
    assert len(invitations) == 1
    invitation = invitations[0]
    assert "Invitation: be the expert" in invitation.subject
    assert "Accept the invitation" in invitation.alternatives[0][0]
    assert not send_expert_invitation(hotseat.pk)  # a retry or a second run sends nothing
    link = re.search(r"http://testserver(/\S+/invitation/\S+/)", invitation.body).group(1)

    landing = client.get(link)
    assert "Create your account" in text(landing)

    mail.outbox.clear()
    signup = client.post(
        reverse("account_signup") + f"?next={link}",
        {
            "display_name": "Nadia New",
            "email": "nadia@newexpert.example",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
    )
    assert signup.status_code == 302
    confirm = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)

    hotseat.refresh_from_db()
    assert hotseat.expert is not None and hotseat.expert.email == "nadia@newexpert.example"
    page = client.get(hotseat.get_absolute_url())
    assert page.status_code == 200
    assert "You are the expert in this hot seat." in text(page)
    assert client.get(reverse("communities:members", args=[closed_community.slug])).status_code == 404


def test_invitation_link_is_refused_to_someone_signed_in_with_another_address(
    login, facilitator, outsider, closed_community, on_commit
):
    hotseat = schedule_with_new_expert(facilitator, closed_community, on_commit)
    url = reverse("hotseats:invitation", args=[closed_community.slug, hotseat.pk, hotseat.invite_token])

    response = login(outsider).get(url)

    assert "This invitation was sent to nadia@newexpert.example" in text(response)
    hotseat.refresh_from_db()
    assert hotseat.expert is None
    assert login(outsider).get(hotseat.get_absolute_url()).status_code == 404


def test_an_existing_account_signing_in_with_the_invited_address_is_linked(
    client, facilitator, closed_community, on_commit
):
    hotseat = schedule_with_new_expert(facilitator, closed_community, on_commit)
    person = UserFactory(email="nadia@newexpert.example")

    client.force_login(person)

    hotseat.refresh_from_db()
    assert hotseat.expert == person


def test_a_wrong_invitation_token_is_404(client, facilitator, closed_community, on_commit):
    hotseat = schedule_with_new_expert(facilitator, closed_community, on_commit)

    response = client.get(reverse("hotseats:invitation", args=[closed_community.slug, hotseat.pk, "nope"]))

    assert response.status_code == 404


def test_the_address_is_matched_whatever_its_case(client, facilitator, closed_community, on_commit):
    hotseat = schedule_with_new_expert(facilitator, closed_community, on_commit)
    person = UserFactory(email="Nadia@NewExpert.example", verified=False)
    EmailAddress.objects.create(user=person, email="Nadia@NewExpert.example", verified=True, primary=True)

    client.force_login(person)

    hotseat.refresh_from_db()
    assert hotseat.expert == person


def test_an_unverified_address_does_not_claim_the_invitation(
    client, facilitator, closed_community, on_commit
):
    hotseat = schedule_with_new_expert(facilitator, closed_community, on_commit)
    person = UserFactory(email="someone@else.example")
    EmailAddress.objects.create(user=person, email="nadia@newexpert.example", verified=False, primary=False)

    client.force_login(person)

    hotseat.refresh_from_db()
    assert hotseat.expert is None
