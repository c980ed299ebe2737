"""Invitations to addresses without an account go through the sending engine: the addresses of
one form in one batch over one connection, each sending at most once, the engine's guarantees
(suppression, unknown after DATA, re-checked just before sending) included."""

import pytest
from django.utils import timezone

from communities import invitations
from communities.models import Invitation
from newsletters.models import Delivery, Suppression
from newsletters.sources.communities import craft

from .smtp import Recorder, SMTPServer


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def smtp(recorder, settings):
    with SMTPServer(recorder) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        yield server


def rows():
    return dict(Delivery.objects.filter(kind="invitation").values_list("email", "status"))


def test_one_form_of_invitations_goes_out_as_one_batch_over_one_connection(
    smtp, recorder, facilitator, community, django_capture_on_commit_callbacks
):
    emails = [f"guest{n}@example.org" for n in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        created, _ = invitations.invite(facilitator, community, emails)
    assert recorder.counts() == dict.fromkeys(emails, 1)
    assert recorder.connections == 1
    assert set(rows().values()) == {"sent"}
    assert not Delivery.objects.filter(kind="invitation", recipient__isnull=False).exists()
    assert set(Invitation.objects.values_list("sent_count", flat=True)) == {1}
    # A retried task sends nothing twice.
    assert craft.send_invitations([i.pk for i in created], 1).sent == 0
    assert sum(recorder.counts().values()) == 8


def test_a_suppressed_address_or_a_revoked_invitation_is_skipped_with_the_reason(
    smtp, recorder, facilitator, community
):
    created, _ = invitations.invite(
        facilitator, community, ["kept@example.org", "gone@example.org", "x@bounced.org"]
    )
    Suppression.objects.create(email="x@bounced.org", reason="bounce")
    Invitation.objects.filter(email="gone@example.org").update(revoked_at=timezone.now())

    result = craft.send_invitations([i.pk for i in created], 1)

    assert result.sent == 1 and list(recorder.counts()) == ["kept@example.org"]
    reasons = dict(Delivery.objects.filter(kind="invitation").values_list("email", "reason"))
    assert reasons == {
        "kept@example.org": "",
        "gone@example.org": "invitation accepted or revoked",
        "x@bounced.org": "address suppressed",
    }


def test_an_invitation_accepted_by_the_server_before_the_connection_dropped_is_unknown_not_resent(
    smtp, recorder, facilitator, community
):
    created, _ = invitations.invite(facilitator, community, ["dropper@example.org", "after@example.org"])
    ids = [i.pk for i in created]

    craft.send_invitations(ids, 1)
    craft.send_invitations(ids, 1)  # the task runs again

    assert recorder.counts() == {"dropper@example.org": 1, "after@example.org": 1}
    assert rows() == {"dropper@example.org": "unknown", "after@example.org": "sent"}
    assert Invitation.objects.get(email="dropper@example.org").sent_count == 0  # not known to be sent
