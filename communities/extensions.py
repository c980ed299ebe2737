"""Places where other apps plug into community pages without communities importing them.

An app registers, in its AppConfig.ready(), a tab for the community navigation and/or a panel
for the community home page. The home page asks each panel for its context with the
community and the viewer's CommunityAccess, so every panel applies the same policy.

    from communities.extensions import HomePanel, Tab, register_panel, register_tab

    register_tab(Tab("Discussions", "forums:thread_list", order=10))
    register_panel(HomePanel("forums/_home_panel.html", threads_panel, column="main", order=10))
    register_theme_section(ThemeSection("forums/_theme_threads.html", theme_threads))

A panel function returns a dict for its template, or None to show nothing. It must cost a
constant number of queries whatever the size of the community.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str  # reversed with the community slug as its only argument
    order: int = 50
    visible: Callable = field(default=lambda access: access.can_view)
    # Extra URL names (besides url_name) for which this tab is marked as the current page.
    also_current: tuple = ()
    # Less-used tabs sit in a "More" menu, so the row fits one line on a laptop screen.
    more: bool = False


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable  # (request, community, access) -> dict | None
    column: str = "main"  # "main" or "side"
    order: int = 50
    # For a panel whose context is the same for every viewer with the same answer to
    # `shared_by(access)` (a tuple), and uses neither the request nor the time of day: its
    # context is cached until anything in the community changes (cop_platform.pagecache), so
    # it costs no query on most views. Leave None for anything personal.
    shared_by: Callable | None = None


@dataclass(frozen=True)
class ThemeSection:
    """What another app shows on a theme page (threads, hot seats...) attached to the theme."""

    template: str
    context: Callable  # (request, theme, access) -> dict | None
    order: int = 50


_tabs: list[Tab] = []
_panels: list[HomePanel] = []
_theme_sections: list[ThemeSection] = []


def register_tab(tab: Tab):
    if all(t.url_name != tab.url_name for t in _tabs):
        _tabs.append(tab)
        _tabs.sort(key=lambda t: t.order)


def register_panel(panel: HomePanel):
    if all(p.template != panel.template for p in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def tabs_for(access):
    return [tab for tab in _tabs if tab.visible(access)]


def panels_for(request, community, access):
    """Render-ready panels: [(column, template, context)] for the panels that have something to show."""
    from cop_platform import pagecache

    rendered = []
    for panel in _panels:
        if panel.shared_by is None:
            context = panel.context(request, community, access)
        else:
            context = pagecache.community_cached(
                community,
                ("panel", panel.template, panel.shared_by(access)),
                lambda panel=panel: panel.context(request, community, access),
            )
        if context is not None:
            rendered.append((panel.column, panel.template, context))
    return rendered


def register_theme_section(section: ThemeSection):
    if all(s.template != section.template for s in _theme_sections):
        _theme_sections.append(section)
        _theme_sections.sort(key=lambda s: s.order)


def theme_sections_for(request, theme, access):
    """Render-ready sections: [(template, context)] for the sections that have something to show."""
    rendered = []
    for section in _theme_sections:
        context = section.context(request, theme, access)
        if context is not None:
            rendered.append((section.template, context))
    return rendered


# --- the facilitator's craft ---------------------------------------------------------------


@dataclass(frozen=True)
class NudgeCandidate:
    """Something a facilitator could act on, found by a nudge source (communities.nudges)."""

    kind: str  # a Nudge.Kind value
    key: str  # unique for what it is about, e.g. "first_post:42"
    title: str
    url: str = ""
    member_id: int | None = None  # the member to write to
    suggestions: tuple = ()  # ({"id": 1, "name": "Ann", "why": "..."}, ...)
    context: dict = field(default_factory=dict)  # extra template fields, e.g. {"asker": "Bo"}


# A source is (community, now) -> [NudgeCandidate]; it runs in the daily beat job, so a few
# queries per community are fine. forums registers first posts and waiting questions.
_nudge_sources: list[Callable] = []


def register_nudge_source(fn):
    if fn not in _nudge_sources:
        _nudge_sources.append(fn)


def nudge_sources():
    return list(_nudge_sources)


@dataclass(frozen=True)
class ChecklistItem:
    """A step of the newcomer's first-week checklist on the community home.

    `done(membership)` returns a boolean query expression (e.g. an Exists(...)) evaluated on the
    member's User row: all items are annotated onto one query, so the panel costs one query.
    `url(community)` returns where to do it (or "" to show the label only).
    """

    key: str
    label: str
    done: Callable
    url: Callable
    order: int = 50


_checklist: list[ChecklistItem] = []


def register_checklist_item(item: ChecklistItem):
    if all(i.key != item.key for i in _checklist):
        _checklist.append(item)
        _checklist.sort(key=lambda i: i.order)


def checklist_items():
    return list(_checklist)


# --- insight (the community dashboard) ---------------------------------------------------


@dataclass(frozen=True)
class InsightSource:
    """Figures another app adds to the community dashboard (questions, hot seats, newsletters).

    `compute(community, period)` returns a dict of figures, or None to show nothing; it must cost
    a constant number of queries whatever the size of the community. `period` is a
    `communities.insight.Period` (start and end in the viewer's time zone). The dashboard
    exposes the dict as `figures.<key>` to its template.
    """

    key: str
    compute: Callable
    order: int = 50


_insight_sources: list[InsightSource] = []


def register_insight(source: InsightSource):
    if all(s.key != source.key for s in _insight_sources):
        _insight_sources.append(source)
        _insight_sources.sort(key=lambda s: s.order)


def insight_sources():
    return list(_insight_sources)


@dataclass(frozen=True)
class CalendarSource:
    """Entries another app puts on community calendars (hot seats, survey deadlines...).

    `load(community_ids, start, end) -> [communities.calendar.Entry]` returns what of those
    communities overlaps [start, end) and is visible to every member (no drafts); it must cost
    one query whatever the number of entries. `kind` names the entries it makes.
    """

    kind: str
    load: Callable
    order: int = 50
    # (community, pk) -> bool: the entry exists, is published and may get a "remind me".
    remindable: Callable | None = None


_calendar_sources: list[CalendarSource] = []


def register_calendar_source(source: CalendarSource):
    if all(s.kind != source.kind for s in _calendar_sources):
        _calendar_sources.append(source)
        _calendar_sources.sort(key=lambda s: s.order)


def calendar_sources():
    return list(_calendar_sources)


# --- the knowledge map (communities.knowledge) --------------------------------------------


@dataclass(frozen=True)
class ExpertiseSource:
    """Evidence of expertise another app holds (accepted answers, helpful marks, hot seats...).

    `load(communities, person)` returns rows `(community_id, user_id, tag_name, when)`, one per
    piece of evidence and tag, for the Community queryset `communities` (used as a subquery),
    and only `person`'s when it is not None. Only evidence every viewer of the community may
    see (nothing hidden, deleted or in draft). One query whatever the size.
    """

    key: str
    label: str  # plural, for the page: "accepted answers"
    weight: int
    load: Callable
    order: int = 50


@dataclass(frozen=True)
class QuestionSource:
    """Questions and who answers them, for knowledge gaps and single points of failure.

    `load(communities, since)` returns `(asked, answered)`: rows `(community_id, question_key,
    tag_name)` for questions asked since `since`, and rows `(community_id, tag_name, user_id)`
    for visible answers written since `since` by someone other than the asker. Two queries.
    """

    key: str
    load: Callable


_expertise_sources: list[ExpertiseSource] = []
_question_sources: list[QuestionSource] = []


def register_expertise_source(source: ExpertiseSource):
    if all(s.key != source.key for s in _expertise_sources):
        _expertise_sources.append(source)
        _expertise_sources.sort(key=lambda s: s.order)


def expertise_sources():
    return list(_expertise_sources)


def register_question_source(source: QuestionSource):
    if all(s.key != source.key for s in _question_sources):
        _question_sources.append(source)


def question_sources():
    return list(_question_sources)
