"""Celery tasks: thin wrappers that take primary keys and call a service."""

import smtplib

from celery import shared_task

from . import services

RETRYABLE = (smtplib.SMTPException, OSError)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, retry_backoff_max=1800, max_retries=6)
def send_welcome(self, membership_id):
    """Send the welcome e-mail for an active membership. Idempotent: one e-mail per member and community."""
    return services.send_welcome(membership_id)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def tell_requester(self, membership_id, approved):
    """Notify (and, when declined, e-mail) a member whose request to join was decided."""
    services.tell_requester(membership_id, approved)


@shared_task
def tell_facilitators_of_request(membership_id):
    """Put a new request to join in every facilitator's notifications."""
    services.tell_facilitators_of_request(membership_id)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def tell_proposer(self, community_id, approved):
    """Notify and e-mail the proposer of a community that staff decided on."""
    services.tell_proposer(community_id, approved)


@shared_task
def tell_staff_of_proposal(community_id):
    """Put a new community proposal in every staff member's notifications."""
    services.tell_staff_of_proposal(community_id)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def send_notification_email(self, notification_id):
    """E-mail one in-app notification to its recipient (at most once)."""
    return services.send_notification_email(notification_id)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def send_notification_emails(self, notification_ids):
    """E-mail a batch of in-app notifications (each at most once, through the delivery log)."""
    return services.send_notification_emails(notification_ids)


@shared_task
def fan_out_notifications(topic, target_id, actor_id=None, extra=None):
    """The one task an event enqueues: list who to tell, enqueue batches (newsletters.notifying)."""
    from . import notifying

    return notifying.fan_out(topic, target_id, actor_id, extra)


@shared_task
def notify_batch(topic, target_id, kind, user_ids, extra=None):
    """Notify one batch of candidates who may see the target; constant queries per batch."""
    from . import notifying

    return len(notifying.tell_batch(topic, target_id, kind, user_ids, extra))


# --- digests ----------------------------------------------------------------------------------


@shared_task
def send_digests(frequency):
    """Beat entry: enqueue one batch task per ~50 members who take this digest frequency.

    Safe to run twice for the same period: the batches skip members already sent.
    """
    from . import digests

    period = digests.period_for(frequency)
    ids = digests.recipient_ids(frequency)
    for start in range(0, len(ids), digests.BATCH_SIZE):
        send_digest_batch.delay(ids[start : start + digests.BATCH_SIZE], frequency, period.key)
    return len(ids)


@shared_task(bind=True, max_retries=5)
def send_digest_batch(self, user_ids, frequency, period_key):
    """Compose and send the digests of one batch of members for one period (see fanout.py)."""
    from . import digests, fanout

    period = digests.period_for_key(frequency, period_key)
    try:
        return fanout.send_digest_batch(user_ids, period)
    except fanout.TemporaryFailure as error:
        if self.request.retries >= self.max_retries:
            fanout.give_up_digest_batch(user_ids, period, error)
            return None
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


def backoff(retries):
    """Jittered exponential backoff: about 30 s, 1 min, 2 min... capped at 30 min (± 50%)."""
    from .sending import backoff as engine_backoff

    return engine_backoff(retries)


@shared_task(bind=True, max_retries=5)
def send_deliveries(self, kind, delivery_ids):
    """Send one batch of ledger rows of a registered kind (sending.fan_out enqueues these).

    Rows put back to pending by a temporary failure are retried with jittered backoff; when
    the task's retries run out they are marked failed.
    """
    from . import sending
    from .models import Delivery

    rows = list(
        Delivery.objects.filter(pk__in=list(delivery_ids), kind=kind, status=Delivery.Status.PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    result = sending.send_batch(kind, rows)
    if result.retry:
        if self.request.retries >= self.max_retries:
            sending.ledger.give_up(result.retry, result.error)
            return result.sent
        raise self.retry(args=[kind, result.retry], countdown=backoff(self.request.retries))
    return result.sent


# --- newsletter -------------------------------------------------------------------------------


@shared_task
def start_issue(issue_id):
    """Create the issue's delivery rows and enqueue its batches (idempotent, see issues.start_issue)."""
    from . import issues

    return issues.start_issue(issue_id)


@shared_task(bind=True, max_retries=6)
def send_issue_batch(self, issue_id, delivery_ids):
    """Send an issue to one batch of recipients; SMTP trouble retries the rest with backoff."""
    from . import fanout, issues
    from .models import Issue

    issue = Issue.objects.select_related("community", "author").filter(pk=issue_id).first()
    if issue is None:
        return 0
    result = fanout.send_issue_batch(issue, delivery_ids)
    if result.retry:
        if self.request.retries >= self.max_retries:
            fanout.give_up_issue_batch(issue, result.retry, result.error)
            issues.finish_if_done(issue_id)
            return result.sent
        # Only the rows put back to pending go round again.
        raise self.retry(args=[issue_id, result.retry], countdown=backoff(self.request.retries))
    issues.finish_if_done(issue_id)
    return result.sent


@shared_task
def resume_issue(issue_id):
    """Re-enqueue an issue's waiting rows (the facilitator pressed "Resume sending")."""
    from . import issues
    from .models import Issue

    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    return issues.enqueue_pending(issue) if issue else 0


@shared_task
def resume_stalled_issues():
    """Beat: issues whose sending stopped (a lost worker) get their waiting rows re-enqueued."""
    from . import issues
    from .sending import ledger

    ledger.settle_stale()
    return issues.resume_stalled()


@shared_task
def send_due_issues():
    """Beat, every minute: start scheduled issues whose time has come."""
    from . import issues

    return issues.send_due_issues()


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=3)
def send_issue_test(self, issue_id, user_id, stamp):
    """E-mail a test copy of an issue to one facilitator (one message per request)."""
    from django.contrib.auth import get_user_model

    from . import delivery, mail
    from .models import Issue

    issue = Issue.objects.select_related("community", "author").get(pk=issue_id)
    user = get_user_model().objects.get(pk=user_id)
    return delivery.send_once(
        user,
        "newsletter_test",
        f"issue:{issue_id}:{stamp}",
        lambda: mail.newsletter_email(issue, user, test=True),
    )


# --- the facilitator's craft ------------------------------------------------------------------


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def send_message_emails(self, message_id, recipient_ids):
    """E-mail a private message to its recipients (once per recipient and message)."""
    from .sources.communities import craft

    return craft.send_message_emails(message_id, recipient_ids)


@shared_task
def tell_of_stage(membership_id, moved_by_id, note, stage_name):
    """Tell a member a facilitator moved them along the participation path."""
    from .sources.communities import craft

    craft.tell_of_stage(membership_id, moved_by_id, note, stage_name)


@shared_task
def tell_author_of_review(post_id, approved):
    """Tell the author a facilitator approved their held post, or did not (with the reason)."""
    from .sources.forums.reviews import tell_author_of_review

    tell_author_of_review(post_id, approved)


@shared_task(bind=True, max_retries=5)
def send_invitations(self, invitation_ids, number):
    """Send sending `number` of these invitations as one batch (at most once per number);
    deferred rows are retried with jittered backoff, then given up as failed."""
    from . import sending
    from .sources.communities import craft

    result = craft.send_invitations(invitation_ids, number)
    if result.retry:
        if self.request.retries >= self.max_retries:
            sending.ledger.give_up(result.retry, result.error)
            return result.sent
        raise self.retry(countdown=backoff(self.request.retries))
    return result.sent


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def send_invitation(self, invitation_id, number):
    """Kept for tasks queued before invitations were sent in batches."""
    from .sources.communities import craft

    return craft.send_invitation(invitation_id, number)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def tell_facilitators_of_dormancy(self, community_id):
    """Warn a quiet community's facilitators before an admin marks it dormant."""
    from .sources.communities.lifecycle import tell_facilitators_of_dormancy

    tell_facilitators_of_dormancy(community_id)


@shared_task(bind=True, autoretry_for=RETRYABLE, retry_backoff=30, max_retries=6)
def tell_admins_facilitator_lost(self, community_id, episode):
    """E-mail admins that a community lost its last active facilitator (once per episode)."""
    from .sources.communities.lifecycle import tell_admins_facilitator_lost

    tell_admins_facilitator_lost(community_id, episode)


@shared_task
def tell_of_badges(badge_ids):
    """Notify the owners of badges the beat just awarded (communities.recognition)."""
    from .sources.communities.recognition import tell_of_badges

    return tell_of_badges(badge_ids)


@shared_task
def tell_of_thanks(thanks_id):
    """Notify the member a facilitator thanked; the e-mail goes through the sending engine."""
    from .sources.communities.recognition import tell_of_thanks

    tell_of_thanks(thanks_id)
