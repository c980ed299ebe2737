"""Survey invitations and the one reminder, e-mailed to the community's members.

A facilitator's click sends forums.signals.survey_invitations (at most once per survey and kind,
claimed in forums' service); the receiver enqueues `invite_to_survey` on commit. The task
builds the recipients from the one visibility rule (readers_of the survey) narrowed to active
members, drops those who have answered (the reminder only; the "has answered" marker never
says how), and enqueues batches of 50. Each message is a delivery row (member, "survey",
"survey:<pk>:invite|reminder"), so nobody gets the same one twice. Members who switched off
immediate e-mail for the community are skipped; every message has one-click unsubscribe.
"""

import smtplib

from celery import shared_task
from django.dispatch import receiver

from communities.models import Membership
from communities.policy import readers_of
from forums import signals
from forums.models import Survey, SurveyParticipant

from ... import delivery, mail
from ...models import Preference
from ..hotseats.emails import when_for

RETRYABLE = (smtplib.SMTPException, OSError)
BATCH = 50


@receiver(signals.survey_invitations)
def survey_invitations(sender, survey, reminder, **kwargs):
    invite_to_survey.delay_on_commit(survey.pk, reminder)


def recipients(survey, reminder, user_ids=None):
    """Users to e-mail about `survey` now (one query)."""
    members = Membership.objects.active().filter(community_id=survey.community_id).values("user_id")
    users = readers_of(survey).filter(pk__in=members)
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    if reminder:
        users = users.exclude(pk__in=SurveyParticipant.objects.filter(survey=survey).values("user_id"))
    off = Preference.objects.filter(community_id=survey.community_id, immediate=False).values("user_id")
    return users.exclude(pk__in=off)


def send_batch(survey_id, reminder, user_ids):
    survey = Survey.objects.select_related("community").filter(pk=survey_id).first()
    if survey is None or survey.state != "open":
        return 0
    kind = "reminder" if reminder else "invite"
    sent = 0
    for user in recipients(survey, reminder, user_ids):

        def build(user=user):
            context = {
                "recipient": user, "survey": survey, "community": survey.community, "reminder": reminder,
                "closes": when_for(user, survey.closes_at), "question_count": survey.questions.count(),
            }  # fmt: skip
            return mail.optional_email(
                "survey_invitation", context, user, list_name=f"immediate:{survey.community_id}",
                list_id=f"surveys.{survey.community.slug}",
            )  # fmt: skip

        sent += bool(delivery.send_once(user, "survey", f"survey:{survey.pk}:{kind}", build))
    return sent


# Task names are those of the module's old place (newsletters.survey_emails): queued tasks and the beat schedule
# refer to them by name.
@shared_task(queue="email", name="newsletters.survey_emails.invite_to_survey")
def invite_to_survey(survey_id, reminder):
    """Enqueue batches of members to invite to (or remind of) a survey."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    ids = list(recipients(survey, reminder).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        send_survey_batch.delay(survey_id, reminder, ids[start : start + BATCH])
    return len(ids)


@shared_task(
    bind=True,
    queue="email",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    max_retries=6,
    name="newsletters.survey_emails.send_survey_batch",
)
def send_survey_batch(self, survey_id, reminder, user_ids):
    """E-mail one batch; idempotent per member, survey and kind (invitation or reminder)."""
    return send_batch(survey_id, reminder, user_ids)
