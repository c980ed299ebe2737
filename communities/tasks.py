"""Celery tasks of the communities app: thin wrappers that take primary keys and call a service."""

from celery import shared_task


# Queue "extraction" (settings.CELERY_TASK_ROUTES), served by its own worker with one process.
# acks_late + reject_on_worker_lost=False: the message is acknowledged after the task, but if
# the worker process dies during it (an OOM kill), the message is NOT put back: a file that
# kills its reader would otherwise be redelivered forever. The parsing itself runs in a child
# process with memory and time limits, so that case should not even reach the worker, and the
# service marks a version found half-done as "text not indexed" (never a second attempt).
@shared_task(acks_late=True, reject_on_worker_lost=False, soft_time_limit=120, time_limit=150)
def extract_version_text(version_id):
    """Read the words inside an uploaded PDF, Word or text file for search. Runs at most once
    per version: a second delivery finds it claimed and leaves it (or marks it not indexed)."""
    from .repertoire.services import store_extracted_text

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


@shared_task
def check_facilitators():
    """Beat, daily: admins hear of each community that lost its last active facilitator (once)."""
    from .health import check_facilitators

    return check_facilitators()
