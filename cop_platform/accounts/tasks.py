from celery import shared_task


@shared_task
def purge_security_events():
    """Beat, daily: drop security events past AUDIT_RETENTION_DAYS. Safe to run twice."""
    from django.core.management import call_command

    call_command("purge_security_events")
