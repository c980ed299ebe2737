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
