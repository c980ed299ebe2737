"""What a notification is about, by kind: who may still see it, and how a reply by e-mail lands.

A notification's `target` is "<kind>:<pk>" ("thread:12", "question:7", "hotseat:3"). Each
kind registers a `Target`:

- `load(pks) -> {pk: obj}`: the objects, one query for a batch;
- `visible(user, obj) -> bool`: may this member see it now (the sending engine skips the
  e-mail of a notification whose content is no longer visible: "content hidden");
- `reply(user, obj, text) -> url` (optional): post `text` as `user` through the SAME service
  function the web form uses (policy, locked threads, link limits apply), raising
  `ReplyRefused(message)` with the reason to explain in the polite bounce. `rate` is the web
  form's rate limit ("30/h"), applied to replies by e-mail under the same group.

h10 registers "conversation" for private messages the same way:
    targets.register(Target("conversation", load=..., visible=..., reply=..., rate="60/h"))
"""

from collections.abc import Callable
from dataclasses import dataclass


class ReplyRefused(Exception):
    """A reply by e-mail was not posted; str(error) is the reason told to the member."""


@dataclass(frozen=True)
class Target:
    kind: str
    load: Callable
    visible: Callable
    reply: Callable | None = None
    rate: str = ""
    group: str = ""  # the web view's rate-limit group, so both ways share one budget


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


def is_visible(ref, obj, user):
    kind, _ = parse(ref)
    target = get(kind)
    return bool(obj is not None and target and target.visible(user, obj))


# --- the built-in targets: discussions and hot seats -----------------------------------------


def _threads(pks):
    from forums.models import Thread

    return Thread.objects.select_related("community").in_bulk(pks)


def _thread_visible(user, thread):
    from communities.policy import access_for

    return thread.community.is_live and access_for(user, thread.community).can_view_thread(thread)


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


def _hotseat_visible(user, hotseat):
    from communities.policy import access_for, can_view_hotseat

    return can_view_hotseat(access_for(user, hotseat.community), hotseat)


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


def _question_visible(user, question):
    from communities.policy import access_for, can_view_hotseat

    hotseat = question.hotseat
    if question.hidden_at and not is_expert_or_runner(user, hotseat):
        return False
    return can_view_hotseat(access_for(user, hotseat.community), hotseat)


def is_expert_or_runner(user, hotseat):
    from communities.policy import access_for, is_hotseat_expert

    return is_hotseat_expert(user, hotseat) or access_for(user, hotseat.community).can_run_hotseat


def _follow_up(user, question, text):
    from hotseats import services
    from hotseats.services import HotSeatError

    try:
        services.follow_up(user, question, text)
    except HotSeatError as error:
        raise ReplyRefused(str(error)) from error
    return question.get_absolute_url()


register(Target("thread", _threads, _thread_visible, _reply_to_thread, rate="30/h", group="forums.reply"))
register(Target("hotseat", _hotseats, _hotseat_visible, _ask, rate="30/h", group="hotseats.ask"))
register(
    Target("question", _questions, _question_visible, _follow_up, rate="60/h", group="hotseats.follow_up")
)
