"""Celery tasks of the communities app: thin wrappers that take primary keys and call a service."""

from celery import shared_task


@shared_task(soft_time_limit=120, time_limit=150)
def extract_version_text(version_id):
    """Read the words inside an uploaded PDF, Word or text file for search. Safe to run twice."""
    from .services_repertoire import store_extracted_text

    store_extracted_text(version_id)


@shared_task(soft_time_limit=600, time_limit=660)
def build_nudge_queues():
    """Beat, daily: every facilitator's worklist for today. Safe to run twice (one row per key)."""
    from .nudges import build_queues

    return build_queues()


@shared_task
def settle_nudge_outcomes():
    """Beat, hourly: record whether nudged members posted within seven days."""
    from .nudges import settle_outcomes

    settle_outcomes()
