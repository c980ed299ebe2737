"""What a notification is about, by kind: who may still see it, and how a reply by e-mail lands.

A notification's `target` is "<kind>:<pk>" ("thread:12", "question:7", "hotseat:3"). Each
kind registers a `Target`:

- `load(pks) -> {pk: obj}`: the objects, one query for a batch. Who may still see an object is
  `communities.policy.readers_of(obj)` (the sending engine skips the e-mail of a notification
  whose content the member may no longer see: "content hidden");
- `reply(user, obj, text) -> url` (optional): post `text` as `user` through the SAME service
  function the web form uses (policy, locked threads, link limits apply), raising
  `ReplyRefused(message)` with the reason to explain in the polite bounce. `rate` and `group`
  are the web form's rate limit, applied to replies by e-mail under the same counter.

h10 registers "conversation" for private messages the same way:
    targets.register(Target("conversation", load=..., reply=..., rate="60/h", group="..."))
"""

from collections.abc import Callable
from dataclasses import dataclass

from communities.policy import readers_of
from cop_platform.refusals import Refused


class ReplyRefused(Refused):
    """A reply by e-mail was not posted; str(error) is the reason told to the member."""


@dataclass(frozen=True)
class Target:
    kind: str
    load: Callable
    reply: Callable | None = None
    rate: str = ""
    # The web view's rate-limit group (django-ratelimit names it after the view function), so
    # replying on the site and by e-mail share one budget.
    group: str = ""


_targets: dict[str, Target] = {}


def register(target: Target) -> Target:
    _targets[target.kind] = target
    return target


def get(kind):
    return _targets.get(kind)


def parse(ref):
    """ "thread:12" -> ("thread", 12); anything malformed -> (None, None)."""
    kind, _, pk = (ref or "").partition(":")
    return (kind, int(pk)) if kind and pk.isdigit() else (None, None)


def load_many(refs):
    """{"thread:12": obj or None} for a batch of refs: one query per kind."""
    by_kind = {}
    for ref in refs:
        kind, pk = parse(ref)
        if kind:
            by_kind.setdefault(kind, set()).add(pk)
    found = {}
    for kind, pks in by_kind.items():
        target = get(kind)
        objects = target.load(sorted(pks)) if target else {}
        for pk in pks:
            found[f"{kind}:{pk}"] = objects.get(pk)
    return found


def readers_among(obj, user_ids):
    """The ids among `user_ids` who may see `obj` now (one query; none if it is gone)."""
    if obj is None:
        return set()
    return set(readers_of(obj).filter(pk__in=list(user_ids)).values_list("pk", flat=True))


def may_see(user, obj):
    return user.pk in readers_among(obj, [user.pk])


# --- the built-in targets: discussions and hot seats -----------------------------------------


def _threads(pks):
    from forums.models import Thread

    return Thread.objects.select_related("community").in_bulk(pks)


def _reply_to_thread(user, thread, text):
    from forums import services
    from forums.services import ForumError

    try:
        post = services.post_reply(user, thread, text)
    except ForumError as error:
        raise ReplyRefused(str(error)) from error
    return post.get_absolute_url()


def _hotseats(pks):
    from hotseats.models import HotSeat

    return HotSeat.objects.select_related("community", "expert").in_bulk(pks)


def _ask(user, hotseat, text):
    from hotseats import services
    from hotseats.services import HotSeatError

    try:
        question = services.ask_question(user, hotseat, text)
    except HotSeatError as error:
        raise ReplyRefused(str(error)) from error
    return question.get_absolute_url()


def _questions(pks):
    from hotseats.models import Question

    return Question.objects.select_related("hotseat__community", "hotseat__expert").in_bulk(pks)


def _follow_up(user, question, text):
    from hotseats import services
    from hotseats.services import HotSeatError

    try:
        services.follow_up(user, question, text)
    except HotSeatError as error:
        raise ReplyRefused(str(error)) from error
    return question.get_absolute_url()


register(Target("thread", _threads, _reply_to_thread, rate="30/h", group="forums.views.threads.reply"))
register(Target("hotseat", _hotseats, _ask, rate="30/h", group="hotseats.views.hotseats.hotseat_detail"))
register(
    Target(
        "question", _questions, _follow_up, rate="60/h", group="hotseats.views.questions.question_follow_up"
    )
)
