"""Two-factor authentication (allauth.mfa) is offered to everyone and required for staff and
facilitators of closed communities; the account pages list sessions with "sign out" for each."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from communities.models import Membership
from cop_platform.accounts.models import SecurityEvent
from tests.factories import member_of
from tests.utils import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True


def sign_in(user, password):
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, text(response)
    return client


def test_staff_without_two_factor_are_sent_to_set_it_up(mfa_required, staff, password):
    client = sign_in(staff, password)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # The set-up page itself is reachable (allauth may first ask for the password again).
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert "/accounts/" in response.request["PATH_INFO"]


def test_a_facilitator_of_a_closed_community_must_set_it_up_too(mfa_required, facilitator, password):
    client = sign_in(facilitator, password)
    assert client.get("/communities/").status_code == 302


def test_a_facilitator_of_only_open_communities_and_a_member_are_not_forced(
    mfa_required, community, member, password
):
    host = member_of(community, Membership.Role.FACILITATOR)
    assert sign_in(host, password).get("/communities/").status_code == 200
    assert sign_in(member, password).get("/communities/").status_code == 200


def test_two_factor_is_offered_to_every_member(mfa_required, member, password):
    page = text(sign_in(member, password).get("/accounts/2fa/"))
    assert "Authenticator App" in page or "authenticator app" in page.lower()


def test_staff_with_an_authenticator_are_let_through(mfa_required, staff, password):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    assert client.get("/communities/").status_code == 200


def test_the_sessions_page_lists_this_session_and_signs_out_the_others(member, password):
    first = sign_in(member, password)
    second = sign_in(member, password)
    page = text(first.get("/accounts/sessions/"))
    assert "Sign Out" in page or "Sign out" in page
    response = first.post("/accounts/sessions/", {"action": "logout"})
    assert response.status_code in {200, 302}
    assert second.get("/notifications/").status_code == 302  # the other session is gone
    assert first.get("/notifications/").status_code == 200
    assert SecurityEvent.objects.filter(user=member, kind="login").count() == 2
