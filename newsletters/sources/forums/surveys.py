"""Survey invitations and the one reminder, e-mailed to the community's members.

A facilitator's click sends forums.signals.survey_invitations (at most once per survey and kind,
claimed in forums' service); the receiver enqueues `invite_to_survey` on commit. The task
builds the recipients from the one visibility rule (readers_of the survey) narrowed to active
members, drops those who have answered (the reminder only; the "has answered" marker never
says how), and enqueues batches of 50. Each message is a delivery row (member, "survey",
"survey:<pk>:invite|reminder"), so nobody gets the same one twice; each batch of 50 goes
through the sending engine as one batch (`sending.send_now`), whose check re-asks `recipients`
just before sending. Members who switched off immediate e-mail for the community are skipped;
every message has one-click unsubscribe.
"""

from celery import shared_task
from django.dispatch import receiver

from communities.models import Membership
from communities.policy import readers_of
from forums import signals
from forums.models import Survey, SurveyParticipant

from ... import mail, sending
from ...models import Delivery, Preference
from ...sending import Kind
from ..hotseats.emails import when_for

BATCH = 50
CLOSED = "survey closed"
NOT_CHOSEN = "no longer invited"


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


def _survey(survey_id):
    return Survey.objects.select_related("community").filter(pk=survey_id).first()


def check_surveys(rows):
    """Just before sending (sending engine): the survey is still open and each member would
    still be chosen by `recipients` (a member, may see it, has not switched e-mail off, and for
    the reminder has not answered yet). One query per survey and kind in the batch."""
    by_key = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    refused = {}
    for key, key_rows in by_key.items():
        _, survey_id, kind = key.split(":")
        survey = _survey(int(survey_id))
        if survey is None or survey.state != "open":
            refused.update(dict.fromkeys((row.pk for row in key_rows), CLOSED))
            continue
        ids = {row.recipient_id for row in key_rows}
        still = set(recipients(survey, kind == "reminder", ids).values_list("pk", flat=True))
        refused.update({row.pk: NOT_CHOSEN for row in key_rows if row.recipient_id not in still})
    return refused


def _message(user, survey, reminder, question_count):
    context = {
        "recipient": user, "survey": survey, "community": survey.community, "reminder": reminder,
        "closes": when_for(user, survey.closes_at), "question_count": question_count,
    }  # fmt: skip
    return mail.optional_email(
        "survey_invitation", context, user, list_name=f"immediate:{survey.community_id}",
        list_id=f"surveys.{survey.community.slug}",
    )  # fmt: skip


def build_survey(row):
    _, survey_id, kind = row.key.split(":")
    survey = _survey(int(survey_id))
    return _message(row.recipient, survey, kind == "reminder", survey.questions.count())


sending.register(
    Kind("survey", build=build_survey, check=check_surveys, description="a survey's invitation or reminder")
)


class TemporaryFailure(Exception):
    """Some messages went back to pending (the mail server said "later"): retry the batch."""


def send_batch(survey_id, reminder, user_ids):
    """E-mail one batch as one batch of the sending engine (one connection, eligibility
    re-checked for all at once); raises TemporaryFailure when rows went back to pending."""
    survey = _survey(survey_id)
    if survey is None or survey.state != "open":
        return 0
    kind = "reminder" if reminder else "invite"
    users = list(recipients(survey, reminder, user_ids))
    questions = survey.questions.count()
    result = sending.send_now(
        "survey",
        f"survey:{survey.pk}:{kind}",
        users,
        lambda row: _message(row.recipient, survey, reminder, questions),
    )
    if result.retry:
        raise TemporaryFailure(str(result.error)) from result.error
    return result.sent


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


@shared_task(bind=True, queue="email", max_retries=5, name="newsletters.survey_emails.send_survey_batch")
def send_survey_batch(self, survey_id, reminder, user_ids):
    """E-mail one batch; idempotent per member, survey and kind (invitation or reminder). Rows a
    mail server deferred are retried with jittered backoff, then given up as failed."""
    try:
        return send_batch(survey_id, reminder, user_ids)
    except TemporaryFailure as error:
        if self.request.retries >= self.max_retries:
            key = f"survey:{survey_id}:{'reminder' if reminder else 'invite'}"
            Delivery.objects.filter(
                kind="survey", key=key, recipient_id__in=user_ids, status=Delivery.Status.PENDING
            ).update(status=Delivery.Status.FAILED, last_error=str(error)[:2000])
            return 0
        raise self.retry(exc=error, countdown=sending.backoff(self.request.retries)) from error
