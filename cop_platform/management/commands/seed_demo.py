from django.core.management.base import BaseCommand
from django.db import transaction

from communities import demo as communities_demo


class Command(BaseCommand):
    help = (
        "Build a believable demo site: people, open and closed communities, facilitators, "
        "core and peripheral members, pending requests. Running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        world = communities_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(world['people'])} people, {len(world['communities'])} communities. "
                f"Sign in as admin@example.com or priya@example.com with password "
                f"“{communities_demo.DEMO_PASSWORD}”."
            )
        )
