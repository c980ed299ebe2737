import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

# Each app that has demo content provides `<app>.demo.seed(world) -> world`, run in this order;
# `world` carries the people and communities made so far. Every seed must be safe to run twice.
DEMO_MODULES = [
    "communities.demo",
    "forums.demo",
    "hotseats.demo",
    "newsletters.demo",
    "newsletters.demo_insight",
]


class Command(BaseCommand):
    help = (
        "Build a believable demo site: people, open and closed communities, facilitators, core and "
        "peripheral members, pending requests, and each app's content. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        # The demo people are made up: what seeding triggers (notifications, welcomes) is
        # recorded as usual, but no e-mail leaves the machine.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic():
                world = {}
                for name in DEMO_MODULES:
                    if importlib.util.find_spec(name) is None:
                        continue
                    world = importlib.import_module(name).seed(world) or world
        from communities.demo import DEMO_PASSWORD

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(world['people'])} people, {len(world['communities'])} communities. "
                f"Sign in as admin@example.com (site admin), priya@example.com (facilitator) or "
                f"grace@example.com (member), password “{DEMO_PASSWORD}”."
            )
        )
