"""An expert without an account is invited through the sending engine: each sending at most
once, even when the connection drops after the server took the message, re-checked just before
sending, and a facilitator's "Resend" is a new sending."""

import pytest

from hotseats import services
from hotseats.models import HotSeat
from newsletters.models import Delivery
from newsletters.sources.hotseats.emails import INVITATION, send_expert_invitation
from tests.factories import UserFactory
from tests.newsletters.smtp import Recorder, SMTPServer

from .conftest import make_hotseat

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    return Recorder(busy_times=1)


@pytest.fixture
def smtp(recorder, settings):
    with SMTPServer(recorder) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        yield server


def waiting(community, email):
    hotseat = make_hotseat(community, None, state="scheduled", expert_email=email)
    HotSeat.objects.filter(pk=hotseat.pk).update(invite_sent_at=None)
    return hotseat


def statuses():
    return list(Delivery.objects.filter(kind=INVITATION).order_by("pk").values_list("key", "status"))


def test_an_invitation_goes_once_and_a_retried_task_sends_nothing(smtp, recorder, community):
    hotseat = waiting(community, "nadia@newexpert.example")
    assert send_expert_invitation(hotseat.pk)
    assert not send_expert_invitation(hotseat.pk)
    assert recorder.counts() == {"nadia@newexpert.example": 1}
    assert statuses() == [(f"hotseat:{hotseat.pk}:1", "sent")]


def test_a_connection_lost_after_the_server_took_it_is_unknown_and_never_resent(smtp, recorder, community):
    hotseat = waiting(community, "dropper@newexpert.example")
    assert not send_expert_invitation(hotseat.pk)
    assert not send_expert_invitation(hotseat.pk)  # the task again
    assert recorder.counts() == {"dropper@newexpert.example": 1}
    assert statuses() == [(f"hotseat:{hotseat.pk}:1", "unknown")]


def test_a_temporary_refusal_is_retried_as_the_same_sending(smtp, recorder, community):
    hotseat = waiting(community, "busy@newexpert.example")
    with pytest.raises(Exception):  # noqa: B017 - the task's autoretry catches the SMTP error
        send_expert_invitation(hotseat.pk)
    assert HotSeat.objects.get(pk=hotseat.pk).invite_sent_at is None  # released for the retry
    assert send_expert_invitation(hotseat.pk)
    assert recorder.counts() == {"busy@newexpert.example": 1}
    assert statuses() == [(f"hotseat:{hotseat.pk}:1", "sent")]


def test_resend_is_a_new_sending(smtp, recorder, facilitator, community, django_capture_on_commit_callbacks):
    hotseat = waiting(community, "nadia@newexpert.example")
    assert send_expert_invitation(hotseat.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(facilitator, HotSeat.objects.get(pk=hotseat.pk))
    assert recorder.counts() == {"nadia@newexpert.example": 2}
    assert statuses() == [(f"hotseat:{hotseat.pk}:1", "sent"), (f"hotseat:{hotseat.pk}:2", "sent")]


def test_an_expert_who_signed_up_meanwhile_is_not_invited(smtp, recorder, community, monkeypatch):
    from newsletters.sources.hotseats import emails

    hotseat = waiting(community, "nadia@newexpert.example")
    real = emails.sending.send_batch

    def sign_up_then_send(*args, **kwargs):
        # Between the claim and the send, the invitee signs up and is linked as the expert.
        HotSeat.objects.filter(pk=hotseat.pk).update(expert=UserFactory(email="nadia@newexpert.example"))
        return real(*args, **kwargs)

    monkeypatch.setattr(emails.sending, "send_batch", sign_up_then_send)
    assert not send_expert_invitation(hotseat.pk)
    assert recorder.counts() == {}
    row = Delivery.objects.get(kind=INVITATION)
    assert (row.status, row.reason) == ("skipped", emails.INVITATION_GONE)
