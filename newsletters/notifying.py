"""Telling members about events: in the worker, in batches, only those who may see (STYLE #21).

A content app saves its change and sends its signal; a receiver here (newsletters/sources/<app>/receivers.py) calls
`tell(topic, target, actor=...)`, which enqueues ONE task when the transaction commits. Nothing
else happens in the web request, so posting costs the same with one watcher or a thousand.

The task (`fan_out`) lists the candidates of the topic's groups in order (mentions first, then
watchers, facilitators, the expert, askers and voters...), keeps each person in the first group
that names them, drops the actor (nobody is told of their own action: a reply, a hot seat they
scheduled, a moderation step), and enqueues one `tell_batch` task per BATCH of them.

`tell_batch` costs the same few queries whatever its size:

1. the target, with what its text, link and audience need (`Topic.load`);
2. `readers_of(target)` restricted to the batch: who may see it now (communities.policy), so a
   hidden thread, a community turned closed or a removed member is never told;
3. who switched immediate e-mail off for this community (preferences);
4. the notifications, in one bulk insert;

and hands the batch's immediate e-mails to the e-mail path as one task (`send_notification_emails`,
which sends each through the delivery log, once per notification).

A topic is registered once per event (`register(Topic(...))`) by the newsletters module that
speaks for the source app (sources/forums/receivers.py, sources/hotseats/receivers.py): all shaped alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from communities.policy import readers_of

from .models import Notification, Preference

# Discourse walks recipients 100 at a time; 100 rows x 6 columns also stays under SQLite's
# 999-parameter limit, so each batch is one INSERT.
BATCH = 100


@dataclass(frozen=True)
class Topic:
    """One kind of event members are told about.

    name:      the key tasks carry ("forums.reply").
    load:      target_id -> the target (or None if it is gone), with its related objects loaded,
               in one query.
    groups:    (target, extra) -> [(notification kind, candidate user ids)], in priority order.
    text:      (target, kind, user, extra) -> the notice, as the member reads it.
    url:       (target, kind) -> where the notice links.
    community: target -> the community it belongs to (preferences, the bell's grouping).
    email:     kind -> whether this kind is also e-mailed at once (if the member wants it).
    """

    name: str
    load: Callable[[int], Any]
    groups: Callable[[Any, dict], list]
    text: Callable[[Any, str, Any, dict], str]
    url: Callable[[Any, str], str]
    community: Callable[[Any], Any]
    email: Callable[[str], bool] = lambda kind: True
    # target -> "<kind>:<pk>" (newsletters/targets.py): what the notice is about, so the
    # sending engine re-checks readers_of it and the e-mail carries a signed reply address.
    about: Callable[[Any], str] | None = None


_topics = {}


def register(topic):
    _topics[topic.name] = topic
    return topic


def topic(name):
    return _topics[name]


def tell(name, target, *, actor=None, **extra):
    """Enqueue the one task that tells people about `target`, once the transaction commits.

    `extra` must be JSON-serialisable (ids, short strings): it travels through the broker.
    """
    from . import tasks  # tasks import this module

    actor_id = getattr(actor, "pk", actor)
    tasks.fan_out_notifications.delay_on_commit(name, target.pk, actor_id, extra)


def fan_out(name, target_id, actor_id=None, extra=None):
    """Resolve the candidates of every group and enqueue one batch task per BATCH of them.

    Costs one query for the target plus the groups' own (one each), whatever the numbers.
    Returns how many people were candidates (before the policy's check in each batch).
    """
    from . import tasks

    extra = extra or {}
    t = _topics[name]
    target = t.load(target_id)
    if target is None:
        return 0
    seen = {actor_id} if actor_id else set()
    total = 0
    for kind, ids in t.groups(target, extra):
        fresh = [pk for pk in dict.fromkeys(ids) if pk is not None and pk not in seen]
        seen.update(fresh)
        total += len(fresh)
        for start in range(0, len(fresh), BATCH):
            tasks.notify_batch.delay(name, target_id, kind, fresh[start : start + BATCH], extra)
    return total


def tell_batch(name, target_id, kind, user_ids, extra=None):
    """Notify the readers among `user_ids` of `kind` about the target; four queries at most.

    Safe to run after the target changed: whoever may no longer see it is skipped. Returns the
    notifications created.
    """
    from . import tasks

    extra = extra or {}
    t = _topics[name]
    target = t.load(target_id)
    if target is None or not user_ids:
        return []
    users = list(readers_of(target).filter(pk__in=user_ids))
    if not users:
        return []
    community = t.community(target)
    wants_email = t.email(kind)
    muted = set()
    if wants_email and community is not None:
        muted = set(
            Preference.objects.filter(
                community=community, user_id__in=[u.pk for u in users], immediate=False
            ).values_list("user_id", flat=True)
        )
    url = t.url(target, kind)
    text = t.text
    about = t.about(target) if t.about else ""
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=u,
            community=community,
            kind=kind,
            url=url,
            text=text(target, kind, u, extra)[:300],
            target=about,
        )
        for u in users
    )
    if wants_email:
        ids = [n.pk for n in rows if n.recipient_id not in muted]
        if ids:
            tasks.send_notification_emails.delay_on_commit(ids)
    return rows
