"""Send the daily or weekly digest now, as beat would: `manage.py send_digests --frequency weekly`.

Idempotent per period: members who already got this period's digest are skipped. With
REDIS_URL set the batches go to the worker; without it they run here, in process.
"""

from django.core.management.base import BaseCommand

from newsletters import digests, tasks


class Command(BaseCommand):
    help = "Send this period's daily or weekly digest to every member who takes it."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=["daily", "weekly"], default="weekly")

    def handle(self, *args, frequency, **options):
        period = digests.period_for(frequency)
        if tasks.send_digests.app.conf.task_always_eager:
            count = tasks.send_digests(frequency)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{frequency.capitalize()} digest {period.key}: {count} members considered."
                )
            )
        else:
            tasks.send_digests.delay(frequency)
            self.stdout.write(f"Queued the {frequency} digest ({period.key}) for the worker.")
