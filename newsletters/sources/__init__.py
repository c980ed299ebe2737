"""What to tell whom: one package per source app, all shaped alike.

`newsletters` listens to the other apps and decides who hears what; the sending engine
(`newsletters/sending/`) decides how it is delivered. Each source app has a package here with
the same module names, one per role:

- `receivers.py`: the app's signals, each only enqueueing one task on commit
  (`notifying.tell(topic, ...)` or a task), and the notification topics they name;
- `digest.py`: digest sections (`digests.register_section`) read from that app's models;
- e-mail that is more than a notification, by subject: `emails.py` (hot seats), `surveys.py`
  (survey invitations), `reviews.py` (the decision on a post held for approval), `craft.py` (private messages, path stages, invitations),
  `lifecycle.py` (dormant communities), `reminders.py` (the day before an event),
  `recognition.py` (badges awarded, a facilitator's thanks), `sponsor_reports.py` (sponsors'
  quarterly e-mail).

A new source app gets `sources/<app>/` with at least `receivers.py`, listed in `MODULES`.
`NewslettersConfig.ready()` imports them all through `connect()`.
"""

from importlib import import_module

MODULES = {
    "communities": ("receivers", "craft", "lifecycle", "reminders", "recognition", "sponsor_reports"),
    "forums": ("receivers", "digest", "surveys", "reviews"),
    "hotseats": ("receivers", "emails"),
}


def connect():
    """Import every source module, connecting its receivers and registering its topics,
    digest sections and e-mail kinds."""
    for app, modules in MODULES.items():
        for module in modules:
            import_module(f"{__name__}.{app}.{module}")
