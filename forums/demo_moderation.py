"""Demo data for moderation: Benefits Realisation holds posts with a watched word, and one held
reply waits in Priya's approval queue; a flagging word has raised one automatic flag.
Idempotent: skipped once the held reply exists."""

from communities.models import WatchedWord

from . import services
from .models import Post, Thread

HOLD_WORD = "guaranteed savings"
FLAG_WORD = "useless"
HELD_REPLY = (
    "Our consultancy offers guaranteed savings of 20% on any programme. Message me and I will send our rates."
)
FLAGGED_REPLY = "Honestly the old benefits register was useless; the new one is better."


def seed(world):
    community = world.get("communities", {}).get("benefits-realisation")
    people = world.get("people", {})
    sam, rosa = people.get("sam"), people.get("rosa")
    if community is None or sam is None or rosa is None:
        return world
    if Post.objects.filter(community=community, body=HELD_REPLY).exists():
        return world
    WatchedWord.objects.get_or_create(
        community=community, word=HOLD_WORD, defaults={"action": WatchedWord.Action.HOLD}
    )
    WatchedWord.objects.get_or_create(
        community=community, word=FLAG_WORD, defaults={"action": WatchedWord.Action.FLAG}
    )
    threads = Thread.objects.filter(community=community, held_at__isnull=True, hidden_at__isnull=True)
    busiest = threads.filter(is_locked=False).order_by("-reply_count", "pk").first()
    if busiest is None:
        return world
    services.post_reply(sam, busiest, HELD_REPLY)
    services.post_reply(rosa, busiest, FLAGGED_REPLY)
    return world
