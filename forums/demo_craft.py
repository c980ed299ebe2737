"""Demo: a newcomer's first question waiting over a day for a reply, for the nudge queue.

Runs after communities.demo_craft (which creates the newcomer) and rebuilds the queue. Safe to
run twice.
"""

import datetime

from django.utils import timezone

from communities import nudges
from communities.models import Activity

from . import services
from .models import Thread

TITLE = "How do you get finance to sign off a benefits profile?"


def seed(world):
    community = world.get("communities", {}).get("benefits-realisation")
    leo = world.get("craft_newcomers", {}).get("leo")
    if community is None or leo is None or Thread.objects.filter(community=community, title=TITLE).exists():
        return world
    thread = services.start_thread(
        leo, community, title=TITLE,
        body="I'm new to benefits work. Our finance team keeps sending profiles back. What do you include?",
        tags=["business cases"],
    )  # fmt: skip
    created = timezone.now() - datetime.timedelta(hours=30)
    Thread.objects.filter(pk=thread.pk).update(created_at=created, last_post_at=created)
    Activity.objects.filter(target_type="forums.thread", target_id=thread.pk).update(created_at=created)
    nudges.build_queue(community)
    return world
