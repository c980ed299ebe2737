import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from cop_platform.accounts.models import User
from tests.utils import text

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Priya Shah",
    "email": "priya@council.example",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


def confirmation_link():
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[-1].body).group(0)


def test_sign_up_requires_verifying_the_email_before_signing_in(client):
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)

    assert "Confirm your e-mail address" in text(response) or "verify" in text(response).lower()
    user = User.objects.get(email="priya@council.example")
    assert user.display_name == "Priya Shah"
    assert not EmailAddress.objects.get(user=user).verified

    # Signing in before verification does not let them in.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}, follow=True
    )
    assert "_auth_user_id" not in client.session

    link = confirmation_link()
    path = link.split("testserver", 1)[1]
    response = client.post(path, follow=True)
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_with_an_email_in_use_reveals_nothing_and_warns_the_owner(client, member):
    # allauth's enumeration protection: the page looks the same, the owner gets an e-mail.
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": member.email})

    assert response.status_code == 302
    assert User.objects.filter(email=member.email).count() == 1
    assert mail.outbox[-1].to == [member.email]
    assert "already" in mail.outbox[-1].body.lower()


def test_sign_up_without_a_name_is_refused(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "display_name": ""})
    assert "This field is required." in text(response)
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_password_reset_sends_a_link(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    assert mail.outbox[-1].to == [member.email]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_member_edits_their_profile_and_others_see_it(login, client, member):
    data = {
        "display_name": "Mo Member",
        "organisation": "Leeds City Council",
        "job_title": "Benefits Manager",
        "bio": "I map benefits.",
        "expertise": "benefits realisation, business cases",
        "timezone": "Europe/Paris",
    }
    response = login(member).post(reverse("accounts:edit_profile"), data, follow=True)
    assert "Your profile is saved." in text(response)

    page = text(client.get(reverse("profile", args=[member.pk])))
    assert "Benefits Manager" in page and "Leeds City Council" in page
    assert "business cases" in page


def test_an_unknown_time_zone_is_refused_and_other_fields_are_kept(login, member):
    data = {"display_name": "Mo", "organisation": "Kept Org", "timezone": "Mars/Olympus"}
    response = login(member).post(reverse("accounts:edit_profile"), data)

    assert "Select a valid choice." in text(response)
    assert "Kept Org" in text(response)


def test_profile_lists_only_communities_the_viewer_may_see(
    login, outsider, member, community, closed_community
):
    page = text(login(outsider).get(reverse("profile", args=[member.pk])))
    assert "Benefits Realisation" in page
    assert "Assurance Reviewers" not in page


def test_the_time_zone_picker_groups_cities_by_region(login, member):
    page = login(member).get(reverse("accounts:edit_profile")).content.decode()

    select = page.split('name="timezone"')[1].split("</select>")[0]
    assert '<optgroup label="Europe">' in select and '<optgroup label="America">' in select
    assert '<option value="Europe/London" selected>London</option>' in select
    assert "Etc/GMT" not in select
    assert select.count("<option") < 500  # cities only, down from ~600 raw names
    assert 'data-searchable="Search time zones"' in page
