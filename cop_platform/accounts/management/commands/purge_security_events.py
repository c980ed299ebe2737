import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cop_platform.accounts.models import SecurityEvent


class Command(BaseCommand):
    help = (
        "Delete security events older than AUDIT_RETENTION_DAYS (the only way events leave the "
        "append-only log). Safe to run twice; run it daily (beat does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override AUDIT_RETENTION_DAYS")

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - datetime.timedelta(days=days)
        count = SecurityEvent.objects.purge_older_than(cutoff)
        self.stdout.write(f"Purged {count} security event{'s' if count != 1 else ''} older than {days} days.")
