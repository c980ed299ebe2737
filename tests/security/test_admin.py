"""The Django admin: its log-in is allauth's, and its lists accept only the filters they offer."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999"])
def test_an_admin_list_refuses_a_lookup_it_does_not_offer_instead_of_crashing(login, staff, value):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client = login(staff)
    client.raise_request_exception = False
    response = client.get("/admin/taggit/tag/", {"community": value})
    assert response.status_code in {302, 400}


def test_an_admin_list_still_filters_by_what_it_offers(login, staff, community):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    response = login(staff).get("/admin/communities/community/", {"visibility": "open"})
    assert response.status_code == 200
    assert community.name in response.content.decode()


def test_the_admin_log_in_sends_people_to_the_sites_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_the_admin_log_in_form_cannot_be_used_to_guess_passwords(client, staff, password):
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_member_who_is_not_staff_is_refused_by_the_admin(login, member):
    client = login(member)
    client.raise_request_exception = False
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403


def test_allauth_rate_limits_guard_the_way_into_the_admin(client, staff, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key"}
    for _ in range(3):
        client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": "wrong"})
    response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": "wrong"})
    assert response.status_code in {200, 429}
    assert "Too many failed login attempts" in response.content.decode()
