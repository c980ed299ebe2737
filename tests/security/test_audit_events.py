"""The audit trail records what the review asked for (sign-ins, failures, lock-outs, password and
e-mail changes, unsubscribes), with who and from where, and never a password or a token."""

import json

import pytest
from allauth.account import signals as account_signals
from django.test import Client, RequestFactory
from django.urls import reverse

from cop_platform.accounts.models import SecurityEvent
from newsletters.tokens import make_token

pytestmark = pytest.mark.django_db


def _events(**filters):
    return SecurityEvent.objects.filter(**filters).order_by("pk")


def _leaks(event, *secrets):
    stored = json.dumps([event.identifier, event.user_agent, event.detail])
    return [secret for secret in secrets if secret and secret in stored]


def test_a_failed_sign_in_is_recorded_without_the_password_typed(client, member):
    client.post("/accounts/login/", {"login": member.email, "password": "Wrong-Horse-77"})
    client.post("/accounts/login/", {"login": "nobody@example.net", "password": "Guess-123"})
    known, unknown = _events(kind="login_failed")
    assert known.user == member and known.identifier == ""
    assert unknown.user is None and unknown.identifier == "nobody@example.net"
    assert _leaks(known, "Wrong-Horse-77") == [] and _leaks(unknown, "Guess-123") == []
    assert known.ip == "127.0.0.1"


def test_a_sign_in_is_recorded(client, member, password):
    client.post("/accounts/login/", {"login": member.email, "password": password})
    assert _events(kind="login", user=member).count() == 1


def test_too_many_failures_lock_the_account_out_and_that_is_recorded(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key"}
    for _ in range(4):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    assert _events(kind="locked_out", user=member).exists()


def test_a_password_change_is_recorded(member, password):
    client = Client()
    client.force_login(member)
    new = "A-new-Passphrase-2026"
    client.post("/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new})
    (event,) = _events(kind="password_changed", user=member)
    assert _leaks(event, password, new) == []


def test_a_password_reset_and_an_e_mail_change_are_recorded(member):
    request = RequestFactory().post("/accounts/password/reset/key/x/", REMOTE_ADDR="192.0.2.9")
    account_signals.password_reset.send(sender=type(member), request=request, user=member)
    account_signals.email_changed.send(
        sender=type(member), request=request, user=member,
        from_email_address=type("A", (), {"email": "old@example.org"})(),
        to_email_address=type("A", (), {"email": "new@example.org"})(),
    )  # fmt: skip
    reset, changed = _events(user=member)
    assert (reset.kind, reset.ip) == ("password_reset", "192.0.2.9")
    assert changed.kind == "email_changed" and changed.detail == {
        "old": "old@example.org",
        "new": "new@example.org",
    }


def test_a_one_click_unsubscribe_is_recorded_with_the_list_and_never_the_token(member, community):
    token = make_token(member.pk, f"newsletter:{community.pk}")
    response = Client().post(
        reverse("newsletters:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    (event,) = _events(kind="unsubscribed", user=member)
    assert event.detail == {"list": f"newsletter:{community.pk}"}
    assert _leaks(event, token) == []


def test_looking_at_the_unsubscribe_page_records_nothing(member, community):
    token = make_token(member.pk, "all")
    assert Client().get(reverse("newsletters:unsubscribe", args=[token])).status_code == 200
    assert not _events(kind="unsubscribed").exists()
