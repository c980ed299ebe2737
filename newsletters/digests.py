"""Daily and weekly digests: one e-mail per member covering all their communities.

How it runs (shared/STYLE.md #11): beat calls `tasks.send_digests(frequency)`, which finds
the members whose preference for at least one community is that frequency and enqueues
batches of BATCH_SIZE member ids. Each batch (`send_batch`) builds one `Batch`: the members,
and for each the communities where they are an ACTIVE member of a live community with that
digest frequency; every section then loads its items for the whole batch with a constant
number of queries (the activity-log sections share a single query). Members with nothing new
get nothing; the others get a Delivery row (kind "digest", key "weekly:2026-W48" or
"daily:2026-11-23") inserted in bulk, claimed in bulk, sent over one SMTP connection and
marked sent in bulk. A batch therefore costs the same number of queries for 1 or 50 members.

Adding a section (the seam for the content apps, e.g. forums' "unanswered questions matching
your expertise"): write a loader that takes the Batch and returns {user_id: [DigestItem]}, and
register it from the newsletters app (the `digest.py` of its `newsletters/sources/<app>/`):

    def unanswered_for_expertise(batch):
        threads = Thread.objects.filter(community_id__in=batch.community_ids, ...)  # one query
        return batch.spread({t.community_id: [DigestItem(...)] for t in ...})  # or per member

    digests.register_section(Section("unanswered", "Questions you could answer",
                                     unanswered_for_expertise, order=15))

A loader only ever sees `batch.community_ids`, which hold nothing but the members' active
communities, and `batch.spread()` gives each member only the items of their own communities:
that is what keeps closed communities out of the digests of people who do not belong to them.
"""

import datetime
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from django.db.models import Count, F, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.safestring import mark_safe

from communities.models import Activity, Community, Membership, Theme
from cop_platform.emails import absolute_url

from . import links
from .models import Preference

BATCH_SIZE = 50
ITEMS_PER_SECTION = 5
KEEP_PER_VERB = ITEMS_PER_SECTION + 5  # spare rows for members who wrote some of the newest
DIGEST_STATUSES = (Community.Status.ACTIVE, Community.Status.DORMANT)


@dataclass
class DigestItem:
    text: str
    url: str  # absolute
    community: str
    when: datetime.datetime | None = None
    note: str = ""
    actor_id: int | None = None  # a member is not told about what they did themselves
    _rendered: dict = field(default_factory=dict, repr=False, compare=False)

    # Items are shared by every member of a batch who belongs to the community, so each is
    # rendered once per batch (with or without its community's name), not once per e-mail:
    # that keeps a digest to a couple of milliseconds (see benchmark_digests).
    def meta(self, show_community):
        parts = [self.community] if show_community and self.community else []
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)

    @property
    def link(self):
        """The item's URL through the aggregate click counter (newsletters.links), signed once."""
        if "link" not in self._rendered:
            self._rendered["link"] = links.tracked(self.url, "digest")
        return self._rendered["link"]

    def as_html(self, show_community):
        key = ("html", show_community)
        if key not in self._rendered:
            # html.escape rather than format_html: same escaping, a tenth of the cost, and
            # this runs for every item of every digest.
            meta = self.meta(show_community)
            meta_html = f'<br><span class="meta">{escape(meta)}</span>' if meta else ""
            self._rendered[key] = f'<li><a href="{escape(self.link)}">{escape(self.text)}</a>{meta_html}</li>'
        return self._rendered[key]

    def as_text(self, show_community):
        key = ("text", show_community)
        if key not in self._rendered:
            meta = self.meta(show_community)
            self._rendered[key] = f"* {self.text}{f' ({meta})' if meta else ''}\n  {self.link}"
        return self._rendered[key]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    load: Callable  # (Batch) -> {user_id: [DigestItem]}
    order: int = 50
    # Sections that are context rather than news (the current theme) never make a digest
    # worth sending on their own.
    is_news: bool = True


_EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


class ItemList(list):
    """A member's items for one section, cut to ITEMS_PER_SECTION, knowing how many there were."""

    def __init__(self, items, total):
        super().__init__(items)
        self.total = max(total, len(items))


@dataclass
class DigestSection:
    key: str
    title: str
    items: list
    more: int = 0

    def as_html(self, show_community):
        lines = [item.as_html(show_community) for item in self.items]
        if self.more:
            lines.append(f'<li class="meta">and {int(self.more)} more on the site</li>')
        return mark_safe("\n".join(lines))  # noqa: S308 - every value escaped in DigestItem.as_html

    def as_text(self, show_community):
        lines = [item.as_text(show_community) for item in self.items]
        if self.more:
            lines.append(f"* and {self.more} more on the site")
        return "\n".join(lines)


_sections: list[Section] = []


def register_section(section: Section):
    if all(s.key != section.key for s in _sections):
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def sections():
    return list(_sections)


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str
    since: datetime.datetime
    until: datetime.datetime
    label: str


def period_for(frequency, now=None):
    """The period a digest sent at `now` covers: the previous UTC day, or the previous ISO week.

    Deterministic from the key, so a duplicate schedule or a retry lands on the same key.
    """
    now = now or timezone.now()
    today = now.astimezone(datetime.UTC).date()
    if frequency == Preference.Digest.DAILY:
        start = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        since = start - datetime.timedelta(days=1)
        return Period(frequency, f"daily:{today.isoformat()}", since, start, f"{since:%A %-d %B}")
    if frequency == Preference.Digest.WEEKLY:
        monday = today - datetime.timedelta(days=today.weekday())
        until = datetime.datetime.combine(monday, datetime.time(), tzinfo=datetime.UTC)
        since = until - datetime.timedelta(days=7)
        year, week, _ = monday.isocalendar()
        label = f"the week of {since:%-d %B}"
        return Period(frequency, f"weekly:{year}-W{week:02d}", since, until, label)
    raise ValueError(f"no digest frequency {frequency!r}")


# --- the batch ------------------------------------------------------------------------------


def memberships_with_digest(frequency):
    """Active memberships of live communities whose (possibly default) digest setting is `frequency`."""
    preference = Preference.objects.filter(user_id=OuterRef("user_id"), community_id=OuterRef("community_id"))
    return (
        Membership.objects.filter(
            state=Membership.State.ACTIVE,
            community__status__in=DIGEST_STATUSES,
            user__is_active=True,
        )
        .annotate(
            digest_setting=Coalesce(
                Subquery(preference.values("digest")[:1]), Value(Preference.Digest.WEEKLY.value)
            )
        )
        .filter(digest_setting=frequency)
    )


def recipient_ids(frequency):
    return list(
        memberships_with_digest(frequency).values_list("user_id", flat=True).distinct().order_by("user_id")
    )


class Batch:
    """Up to BATCH_SIZE members and the communities each one gets a digest about."""

    def __init__(self, user_ids, period: Period):
        self.period = period
        self.since, self.until = period.since, period.until
        # One query: members, their communities and their settings.
        rows = (
            memberships_with_digest(period.frequency)
            .filter(user_id__in=list(user_ids))
            .select_related("user", "community")
            # Only what a digest shows: building full user rows is a fifth of a batch's time.
            .only(
                "user_id",
                "community_id",
                "user__email",
                "user__display_name",
                "user__is_active",
                "community__name",
                "community__slug",
            )
            .order_by("user_id", "community__name")
        )
        self.users = {}
        self.communities_of = defaultdict(list)  # user_id -> [community_id]
        self.communities = {}
        for membership in rows:
            self.users[membership.user_id] = membership.user
            self.communities_of[membership.user_id].append(membership.community_id)
            self.communities[membership.community_id] = membership.community
        self.community_ids = sorted(self.communities)

    def spread(self, by_community):
        """{community_id: [item]} -> {user_id: ItemList}: each member gets their communities' items only.

        Lists per community are newest first; a member's list keeps the newest
        ITEMS_PER_SECTION of their communities' items (less what they did themselves) and
        remembers how many there were in all, for "and N more".
        """
        per_member = {}
        for user_id, community_ids in self.communities_of.items():
            picked, total = [], 0
            for cid in community_ids:
                items = by_community.get(cid)
                if not items:
                    continue
                own = 0
                for item in items:
                    if item.actor_id is not None and item.actor_id == user_id:
                        own += 1
                    elif len(picked) < ITEMS_PER_SECTION * len(community_ids):
                        picked.append(item)
                total += getattr(items, "total", len(items)) - own
            if picked:
                if len(community_ids) > 1:
                    picked.sort(key=lambda item: item.when or _EPOCH, reverse=True)
                per_member[user_id] = ItemList(picked[:ITEMS_PER_SECTION], total)
        return per_member

    def _activity_rows(self):
        return Activity.objects.current().filter(
            community_id__in=self.community_ids, created_at__gte=self.since, created_at__lt=self.until
        )

    @cached_property
    def _activity(self):
        """The newest few activity rows per (community, verb) in the period, and the totals: one query.

        Nobody is shown more than ITEMS_PER_SECTION items of a section, so the database sends
        at most KEEP_PER_VERB rows per community and verb (window functions number and count
        each partition), whatever the size of the communities.
        """
        if not self.community_ids:
            return [], {}
        partition = [F("community_id"), F("verb")]
        rows = list(
            self._activity_rows()
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=partition, order_by=[F("created_at").desc(), F("pk").desc()]
                ),
                total=Window(Count("pk"), partition_by=partition),
            )
            .filter(rank__lte=KEEP_PER_VERB)
            .order_by("-created_at", "-pk")
            .values_list("community_id", "actor_id", "verb", "summary", "url", "created_at", "total")
        )
        counts = {(row[0], row[2]): row[6] for row in rows}
        return rows, counts

    @property
    def activity(self):
        """Rows (community_id, actor_id, verb, summary, url, created_at, total), newest first."""
        return self._activity[0]

    @property
    def activity_counts(self):
        """{(community_id, verb): number of rows in the period}."""
        return self._activity[1]

    @cached_property
    def activity_by_verb(self):
        by_verb = defaultdict(list)
        for row in self.activity:
            by_verb[row[2]].append(row)
        return by_verb

    def community_url(self, community_id):
        """Absolute URL of a batch community's home, reversed once per batch."""
        urls = self.__dict__.setdefault("_community_urls", {})
        if community_id not in urls:
            urls[community_id] = absolute_url(self.communities[community_id].get_absolute_url())
        return urls[community_id]

    def activity_items(self, verbs):
        """{community_id: ItemList} of the newest rows with these verbs, newest first."""
        streams = [self.activity_by_verb.get(verb, ()) for verb in verbs]
        rows = heapq.merge(*streams, key=lambda row: row[5], reverse=True) if len(streams) > 1 else streams[0]
        by_community = defaultdict(list)
        for community_id, actor_id, _verb, summary, url, created_at, _total in rows:
            kept = by_community[community_id]
            if len(kept) >= KEEP_PER_VERB:
                continue
            kept.append(
                DigestItem(
                    text=summary,
                    url=absolute_url(url) if url else self.community_url(community_id),
                    community=self.communities[community_id].name,
                    when=created_at,
                    actor_id=actor_id,
                )
            )
        counts = self.activity_counts
        return {
            cid: ItemList(items, sum(counts.get((cid, verb), 0) for verb in verbs))
            for cid, items in by_community.items()
        }

    def compose(self):
        """{user_id: [DigestSection]} for the members with something new; others are left out."""
        loaded = [(section, section.load(self)) for section in sections()]
        digests = {}
        for user_id in self.users:
            parts, news = [], False
            for section, per_member in loaded:
                items = per_member.get(user_id)
                if not items:
                    continue
                news = news or section.is_news
                total = getattr(items, "total", len(items))
                shown = items[:ITEMS_PER_SECTION]
                parts.append(DigestSection(section.key, section.title, shown, total - len(shown)))
            if news:
                digests[user_id] = parts
        return digests


# --- the built-in sections: the activity log and the current theme --------------------------


def activity_section(key, title, verbs, order):
    verbs = frozenset(verbs)

    def load(batch):
        return batch.spread(batch.activity_items(verbs))

    return Section(key, title, load, order=order)


def counted_section(key, title, verb, noun, plural, order):
    """One line per community ("12 new replies in X"), for events too many to list one by one."""

    def load(batch):
        counts = {cid: n for (cid, row_verb), n in batch.activity_counts.items() if row_verb == verb}
        by_community = {}
        for community_id, count in counts.items():
            community = batch.communities[community_id]
            by_community[community_id] = [
                DigestItem(
                    text=f"{count} new {noun if count == 1 else plural} in {community.name}",
                    url=batch.community_url(community_id),
                    community="",  # the text names it already
                )
            ]
        return batch.spread(by_community)

    return Section(key, title, load, order=order)


def theme_url(theme):
    """The theme's page, or its community's home while no theme page is routed."""
    try:
        return theme.get_absolute_url()
    except NoReverseMatch:
        return theme.community.get_absolute_url()


def current_themes(batch):
    """The theme each community is focusing on now: one query."""
    if not batch.community_ids:
        return {}
    today = batch.until.date()
    by_community = {}
    themes = (
        Theme.objects.current(today)
        .filter(community_id__in=batch.community_ids)
        .order_by("community_id", "-starts_on")
    )
    for theme in themes:
        if theme.community_id in by_community:
            continue
        community = batch.communities[theme.community_id]
        theme.community = community  # already loaded: building its URL costs no query
        by_community[theme.community_id] = [
            DigestItem(
                text=theme.title,
                url=absolute_url(theme_url(theme)),
                community=community.name,
                note=f"until {theme.ends_on:%-d %B}",
            )
        ]
    return batch.spread(by_community)


def missed_notifications(batch):
    """Notifications whose e-mail was held back by the daily cap (sending engine, guarantee f):
    they fold into the member's next digest. One query."""
    from django.db.models import CharField, Exists
    from django.db.models.functions import Cast, Concat

    from .models import Delivery, Notification
    from .sending.eligibility import DAILY_CAP

    if not batch.users:
        return {}
    capped = Delivery.objects.filter(
        kind="notification",
        status=Delivery.Status.SKIPPED,
        reason=DAILY_CAP,
        recipient_id=OuterRef("recipient_id"),
        key=Concat(Value("notification:"), Cast(OuterRef("pk"), CharField())),
    )
    rows = (
        Notification.objects.filter(
            recipient_id__in=list(batch.users), created_at__gte=batch.since, created_at__lt=batch.until
        )
        .filter(Exists(capped))
        .order_by("-created_at", "-pk")
        .values_list("recipient_id", "text", "url", "created_at")
    )
    per_member = defaultdict(list)
    for user_id, text, url, created_at in rows:
        per_member[user_id].append(
            DigestItem(text=text, url=absolute_url(url or "/"), community="", when=created_at)
        )
    return {uid: ItemList(items[:ITEMS_PER_SECTION], len(items)) for uid, items in per_member.items()}


register_section(Section("missed", "Notifications you may have missed", missed_notifications, order=1))
register_section(Section("theme", "Current themes", current_themes, order=5, is_news=False))
register_section(activity_section("threads", "New discussions", ["thread.created"], 10))
register_section(activity_section("answers", "Questions answered", ["answer.accepted"], 20))
register_section(
    activity_section(
        "hotseats",
        "Hot seats",
        ["hotseat.scheduled", "hotseat.opened", "hotseat.closed", "hotseat.answered"],
        30,
    )
)
register_section(
    activity_section(
        "repertoire",
        "New in the repertoire",
        ["document.uploaded", "document.versioned", "link.added", "article.featured", "meeting.notes"],
        40,
    )
)
register_section(activity_section("meetings", "Meetings", ["meeting.scheduled"], 50))
register_section(activity_section("jobs", "Jobs", ["job.posted"], 60))
register_section(activity_section("themes_started", "New themes", ["theme.started"], 70))
register_section(counted_section("replies", "Conversations", "post.created", "reply", "replies", 80))
register_section(counted_section("joined", "New members", "member.joined", "member", "members", 90))


def period_for_key(frequency, key):
    """The Period a key names (tasks carry the key, so a retry next week still sends last week's)."""
    kind, _, value = key.partition(":")
    if kind != frequency:
        raise ValueError(f"key {key!r} is not a {frequency} digest")
    if frequency == Preference.Digest.DAILY:
        day = datetime.date.fromisoformat(value)
    else:
        year, week = value.split("-W")
        day = datetime.date.fromisocalendar(int(year), int(week), 1)
    return period_for(frequency, datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))
