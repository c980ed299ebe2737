"""The notifications page reads like an inbox: grouped by day, repeats folded into one line.

Several notifications that lead to the same place (three replies in one thread) become one
line, "… and 2 more", linking to the newest; unread if any of them is unread.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class Group:
    first: object  # the newest notification of the group
    others: list = field(default_factory=list)

    @property
    def unread(self):
        return self.first.read_at is None or any(n.read_at is None for n in self.others)

    @property
    def more(self):
        return len(self.others)


def place(url):
    """Where a notification leads, without the post anchor or page: the thread, the hot seat."""
    return url.split("#", 1)[0].split("?", 1)[0]


def day_label(moment, today):
    day = timezone.localtime(moment).date()
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    if day > today - datetime.timedelta(days=7):
        return "Earlier this week"
    return "Older"


def group_notifications(notices):
    """[(day label, [Group])] in the order given (newest first)."""
    today = timezone.localdate()
    sections, by_key = [], {}
    for notice in notices:
        label = day_label(notice.created_at, today)
        if not sections or sections[-1][0] != label:
            sections.append((label, []))
            by_key = {}
        key = (notice.kind, place(notice.url)) if notice.url else None
        if key is not None and key in by_key:
            by_key[key].others.append(notice)
            continue
        group = Group(first=notice)
        sections[-1][1].append(group)
        if key is not None:
            by_key[key] = group
    return sections
