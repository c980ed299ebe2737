"""Sign-up and password reset reveal nothing about which addresses have an account: not in
words, not in where they lead, not in how much work (and so time) they take."""

import pytest
from django.contrib.auth import hashers
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.utils import words

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def signup(client, email):
    data = {"display_name": "Sam Someone", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data)


@pytest.fixture
def hashing(monkeypatch):
    """Counts password hashes computed (the slow step that would give an existing address away)."""
    calls = []
    original = hashers.make_password

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(hashers, "make_password", counting)
    monkeypatch.setattr("django.contrib.auth.base_user.make_password", counting)
    return calls


def test_sign_up_answers_the_same_for_a_new_and_an_existing_address(member, hashing):
    new_client, taken_client = Client(), Client()
    new = signup(new_client, "sam@example.com")
    new_page = words(new_client.get(new["Location"])).replace("sam@example.com", "ADDRESS")
    new_hashes, new_mails = len(hashing), len(mail.outbox)
    taken = signup(taken_client, member.email)
    taken_page = words(taken_client.get(taken["Location"])).replace(member.email, "ADDRESS")

    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert new_page == taken_page
    # The same work: one password hash and one e-mail each.
    assert new_hashes == 1
    assert len(hashing) - new_hashes == 1
    assert new_mails == 1 and len(mail.outbox) == 2


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(client, member, hashing):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 2  # the owner gets a link; the unknown address is told it has no account
    assert mail.outbox[0].to == [member.email] and mail.outbox[1].to == ["nobody@example.com"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_the_sign_up_page_never_says_an_address_is_taken(client, member):
    response = signup(client, member.email.upper())
    assert response.status_code == 302
    page = words(client.get(response["Location"]))
    assert "already" not in page.lower() and "taken" not in page.lower()
