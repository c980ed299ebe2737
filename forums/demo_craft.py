"""Demo: a newcomer's first question waiting over a day for a reply, for the nudge queue, and a
contributor (David) with five recent replies, ready for the next step on the path.

Runs after communities.demo_craft (which creates the newcomer) and rebuilds the queue. Safe to
run twice.
"""

import datetime

from django.utils import timezone

from communities import nudges
from communities.models import Activity

from . import services
from .models import Post, Thread

TITLE = "How do you get finance to sign off a benefits profile?"
REPLIES = [
    "We had the same debate last year: the answer for us was a one-page profile per benefit.",
    "Agree with the above. Baseline first, even a rough one, then refine once the data settles.",
    "One thing that helped us: naming a benefit owner in the business area, not in the project.",
    "We review these quarterly in the portfolio board; it keeps the benefits alive after go-live.",
    "Happy to share our template if useful: it has the measures, owner and review dates on one page.",
]


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
    david = world.get("people", {}).get("david")
    if david is not None:
        answered = Thread.objects.filter(community=community, reply_count__gt=0).exclude(pk=thread.pk)
        # Oldest first, a day or so apart, ending yesterday (a thread may get two of them).
        for days_ago, (older, text) in zip(
            range(len(REPLIES), 0, -1),
            zip(list(answered.order_by("created_at")[:5]) * 5, REPLIES, strict=False),
            strict=False,
        ):
            _backdate(services.post_reply(david, older, text), hours=days_ago * 26)
    _introductions(world, community)
    nudges.build_queue(community)
    return world


def _introductions(world, community):
    """The introductions thread the newcomer checklist points to (tagged "introductions")."""
    people = world.get("people", {})
    if "priya" not in people:
        return
    thread = services.start_thread(
        people["priya"], community, title="Introduce yourself here", kind=Thread.Kind.DISCUSSION,
        body="New here? Tell us who you are, where you work and what you'd like to get better at.",
        tags=["introductions"],
    )  # fmt: skip
    _backdate(thread.posts.get(number=1), hours=15)
    for hours, local, text in (
        (10, "grace", "Grace, project manager at Bristol City Council. Learning to write benefit profiles!"),
        (5, "leo", "Leo, business analyst at the Home Office, new to benefits work."),
    ):
        person = people.get(local) or world.get("craft_newcomers", {}).get(local)
        if person is not None:
            _backdate(services.post_reply(person, thread, text), hours=hours)


def _backdate(post, *, hours):
    """Date a demo post (its activity, and its thread's latest post) `hours` ago, so pages say
    "5 hours ago" as the feed does rather than "just now" for everything the seed wrote."""
    when = timezone.now() - datetime.timedelta(hours=hours)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    Activity.objects.filter(target_type="forums.post", target_id=post.pk).update(created_at=when)
    if post.number == 1:
        Thread.objects.filter(pk=post.thread_id).update(created_at=when, last_post_at=when)
        Activity.objects.filter(target_type="forums.thread", target_id=post.thread_id).update(created_at=when)
    else:
        Thread.objects.filter(pk=post.thread_id, last_post_author_id=post.author_id).update(last_post_at=when)
