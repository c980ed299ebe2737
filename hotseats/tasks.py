from celery import shared_task

from . import services


@shared_task
def advance_hotseats():
    """Beat, every minute: open and close hot seats whose time has come. Safe to run twice."""
    opened, closed = services.advance_due()
    return {"opened": opened, "closed": closed}
