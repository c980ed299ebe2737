"""Reminders and survey invitations go out as batches of the sending engine: one SMTP connection
for a batch of members, eligibility re-checked just before sending, deferred rows retried."""

import datetime

import pytest
from django.utils import timezone

from communities.models import Meeting, Membership, Rsvp
from newsletters import sending
from newsletters.models import Delivery
from newsletters.sources.communities import reminders as calendar_reminders
from newsletters.sources.forums import surveys as survey_emails

from ..factories import member_of
from ..forums.test_surveys import make_survey
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
        yield server


def meeting_tomorrow(community, members):
    starts = timezone.now() + datetime.timedelta(hours=20)
    meeting = Meeting.objects.create(
        community=community,
        title="Practice clinic",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    for user in members:
        Rsvp.objects.create(meeting=meeting, user=user, response=Rsvp.Response.GOING)
    return meeting


def statuses(kind, key):
    return dict(Delivery.objects.filter(kind=kind, key=key).values_list("email", "status"))


def test_a_batch_of_reminders_goes_over_one_connection_once_each(smtp, recorder, community):
    members = [member_of(community, email=f"rsvp{n}@example.org") for n in range(12)]
    meeting = meeting_tomorrow(community, members)

    calendar_reminders.send_event_reminders()
    calendar_reminders.send_event_reminders()  # beat again: nothing twice

    assert recorder.counts() == {m.email: 1 for m in members}
    assert recorder.connections == 1
    assert set(statuses("reminder", f"meeting:{meeting.pk}").values()) == {"sent"}


def test_a_member_removed_after_the_batch_was_queued_is_skipped_with_the_reason(community):
    stays, removed = (member_of(community, email=f"{name}@example.org") for name in ("stays", "removed"))
    meeting = meeting_tomorrow(community, [stays, removed])
    key = f"meeting:{meeting.pk}"
    sending.reserve_many("reminder", key, [(u.pk, u.email) for u in (stays, removed)])
    Membership.objects.filter(user=removed, community=community).update(state=Membership.State.REMOVED)

    rows = list(Delivery.objects.filter(kind="reminder", key=key).select_related("recipient"))
    result = sending.send_batch("reminder", rows)  # the kind's own builder and check

    assert result.sent == 1
    reasons = dict(Delivery.objects.filter(key=key).values_list("email", "reason"))
    assert reasons == {"stays@example.org": "", "removed@example.org": "no longer a member"}


def test_a_reminder_for_an_event_that_started_meanwhile_is_skipped(community):
    member = member_of(community, email="late@example.org")
    meeting = meeting_tomorrow(community, [member])
    key = f"meeting:{meeting.pk}"
    sending.reserve_many("reminder", key, [(member.pk, member.email)])
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))

    rows = list(Delivery.objects.filter(kind="reminder", key=key).select_related("recipient"))
    assert sending.send_batch("reminder", rows).sent == 0
    assert Delivery.objects.get(key=key).reason == "event started"


def test_a_deferred_reminder_is_retried_and_sent_once(smtp, recorder, community):
    members = [member_of(community, email=email) for email in ("busy@example.org", "fine@example.org")]
    meeting = meeting_tomorrow(community, members)

    with pytest.raises(calendar_reminders.TemporaryFailure):
        calendar_reminders.remind("meeting", meeting.pk, [m.pk for m in members])
    assert statuses("reminder", f"meeting:{meeting.pk}") == {
        "busy@example.org": "pending",
        "fine@example.org": "sent",
    }
    assert calendar_reminders.remind("meeting", meeting.pk, [m.pk for m in members]) == 1  # the retry
    assert recorder.counts() == {"busy@example.org": 1, "fine@example.org": 1}


def test_survey_invitations_go_over_one_connection_and_skip_who_switched_off_meanwhile(
    smtp, recorder, community, facilitator
):
    from newsletters.models import Preference

    members = [member_of(community, email=f"voter{n}@example.org") for n in range(6)]
    survey = make_survey(facilitator, community)
    ids = [m.pk for m in members]
    key = f"survey:{survey.pk}:invite"
    sending.reserve_many("survey", key, [(m.pk, m.email) for m in members])
    Preference.objects.create(user=members[0], community=community, immediate=False)

    assert survey_emails.send_batch(survey.pk, False, ids) == 5
    rows = list(Delivery.objects.filter(kind="survey", key=key, status="pending").select_related("recipient"))
    assert rows == [Delivery.objects.get(key=key, recipient=members[0])]
    assert sending.send_batch("survey", rows).skipped == {"no longer invited": 1}
    assert recorder.connections == 1  # the task's batch; one with nothing left to send opens none
    assert recorder.counts() == {m.email: 1 for m in members[1:]}
