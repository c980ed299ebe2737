import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

# Each app that has demo content provides `<app>.demo.seed(world) -> world`, run in this order;
# `world` carries the people and communities made so far. Every seed must be safe to run twice.
DEMO_MODULES = [
    "communities.demo",
    "cop_platform.accounts.demo",
    "forums.demo",
    "hotseats.demo",
    "newsletters.demo",
    "communities.demo_craft",
    "forums.demo_craft",
    "forums.demo_moderation",
    "newsletters.demo_insight",
    "forums.demo_recognition",  # last: the badge beat runs over everything seeded before
]


class Command(BaseCommand):
    help = (
        "Build a believable demo site: people, open and closed communities, facilitators, core and "
        "peripheral members, pending requests, and each app's content. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        started = timezone.now()
        # The demo people are made up: what seeding triggers (notifications, welcomes) is
        # recorded as usual, but no e-mail leaves the machine.
        # The demo's people are all "new today": first-day posting limits do not apply to seeding.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", NEW_ACCOUNT_LIMITS=False
        ):
            with transaction.atomic():
                world = {}
                for name in DEMO_MODULES:
                    if importlib.util.find_spec(name) is None:
                        continue
                    world = importlib.import_module(name).seed(world) or world
                backdate_activity(since=started)
            # After the commit, when the notification tasks queued on it have run: the bell.
            from newsletters import demo_bell

            demo_bell.seed(world, since=started)
        from communities.demo import DEMO_PASSWORD

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(world['people'])} people, {len(world['communities'])} communities. "
                f"Sign in as admin@example.com (site admin), priya@example.com (facilitator) or "
                f"grace@example.com (member), password “{DEMO_PASSWORD}”."
            )
        )


def backdate_activity(since):
    """Date the log rows written while seeding at the time of what they describe.

    Demo content is backdated (a thread from three weeks ago), but recording it wrote "now" into
    the activity log, so feeds said "2 minutes ago" about old things. Rows whose target has a
    `created_at` take it; each community's "last active" follows its newest row.
    """
    import datetime
    from collections import defaultdict

    from django.apps import apps
    from django.db.models import Max

    from communities.models import Activity, Community

    rows = defaultdict(list)
    for row in Activity.objects.filter(created_at__gte=since).exclude(target_type=""):
        rows[row.target_type].append(row)
    for label, items in rows.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if not any(field.name == "created_at" for field in model._meta.fields):
            continue
        dates = dict(
            model._base_manager.filter(pk__in=[r.target_id for r in items]).values_list("pk", "created_at")
        )
        now = timezone.now()
        for row in items:
            if row.target_id in dates:
                row.created_at = min(dates[row.target_id], now)
        Activity.objects.bulk_update(items, ["created_at"])
    # What the demo made "now" (links, articles, uploads) is spread over the last few days, the
    # newest first, so the feed reads like a living community rather than one burst.
    undated = list(Activity.objects.filter(created_at__gte=since).order_by("-pk"))
    for step, row in enumerate(undated, start=1):
        row.created_at = timezone.now() - datetime.timedelta(hours=5 * step)
    Activity.objects.bulk_update(undated, ["created_at"])
    for community_id, newest in (
        Activity.objects.values("community_id")
        .annotate(newest=Max("created_at"))
        .values_list("community_id", "newest")
    ):
        Community.objects.filter(pk=community_id).update(last_activity_at=newest)
