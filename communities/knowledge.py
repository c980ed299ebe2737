"""The knowledge map: who knows what, per community and across the site, and where it is thin.

Inferred expertise (written on the page too, and tested figure by figure):

- Each piece of evidence is worth its source's weight on every tag of the thing it is about:
  an accepted answer 3 (the question's tags; accepting one's own reply does not count), a
  helpful mark received 1 (the thread's tags), a hot seat answered as the expert 5 (the hot
  seat's tags, dated by its last answer), a document shared 2 (its tags). Sources register
  through `communities.extensions.register_expertise_source`, so this module imports no app.
- Evidence loses half its worth every HALF_LIFE_DAYS days: worth = weight x 0.5 ^ (age / 180).
  What someone did three years ago says little about whom to ask today.
- Only evidence every viewer of the community may see counts (nothing hidden, deleted or in
  draft), and only in the communities the viewer may open: a closed community's figures never
  reach someone who cannot see it.
- Self-declared expertise (the profile's expertise tags) sits beside the inferred kind and is
  never added to the score; it is shown only for people whose profile the viewer may open.

Gaps, over the last GAP_DAYS days:
- a question's tags are its thread's; someone "answers" a tag when they wrote a visible reply
  in the window to a question with that tag that someone else asked;
- a **knowledge gap** is a tag with questions asked in the window and nobody answering it;
- a **single point of failure** is a tag that exactly one person answered in the window.

Tags are matched without regard to case; multi-word tags stay one tag (cop_platform.tags).
Every figure costs a fixed number of queries: one per source, the members, declared tags and
the people named.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import extensions
from .models import Document, Membership
from .policy import people_visible_to

HALF_LIFE_DAYS = 180
GAP_DAYS = 90
EXPERTS_SHOWN = 5


def decayed(weight, when, now):
    """`weight` halved for every HALF_LIFE_DAYS between `when` and `now` (never more than weight)."""
    age_days = max((now - when).total_seconds(), 0) / 86400
    return weight * 0.5 ** (age_days / HALF_LIFE_DAYS)


def tag_key(name):
    return " ".join(name.split()).casefold()


@dataclass
class Expert:
    user: object
    score: float = 0.0
    counts: dict = field(default_factory=dict)  # source key -> pieces of evidence
    is_member: bool = True

    @property
    def rounded(self):
        return round(self.score, 1)


@dataclass
class Topic:
    name: str
    key: str
    experts: list = field(default_factory=list)  # Expert, best first
    declared: list = field(default_factory=list)  # users who list it on their profile
    questions: int = 0  # asked in the last GAP_DAYS days
    answerer_ids: set = field(default_factory=set)  # who answered it in that window
    answerers: list = field(default_factory=list)  # the same people, named (active accounts)
    community_ids: set = field(default_factory=set)
    communities: list = field(default_factory=list)

    @property
    def score(self):
        return round(sum(e.score for e in self.experts), 1)

    @property
    def top_experts(self):
        return self.experts[:EXPERTS_SHOWN]

    @property
    def more_experts(self):
        return max(len(self.experts) - EXPERTS_SHOWN, 0)

    @property
    def is_gap(self):
        return self.questions > 0 and not self.answerer_ids

    @property
    def is_single_point(self):
        return len(self.answerer_ids) == 1


@dataclass
class KnowledgeMap:
    topics: list  # Topic, strongest first
    sources: list  # ExpertiseSource, for the legend
    now: datetime.datetime
    half_life_days: int = HALF_LIFE_DAYS
    gap_days: int = GAP_DAYS

    @property
    def gaps(self):
        return sorted((t for t in self.topics if t.is_gap), key=lambda t: (-t.questions, t.key))

    @property
    def single_points(self):
        return sorted((t for t in self.topics if t.is_single_point), key=lambda t: (-t.questions, t.key))

    @property
    def known(self):
        """Topics someone's contributions show they know, for "who knows what"."""
        return [t for t in self.topics if t.experts]

    @property
    def declared_only(self):
        """Topics people say they know that no contribution shows yet."""
        return sorted((t for t in self.topics if t.declared and not t.experts), key=lambda t: t.key)


def build(communities, viewer, *, now=None, person=None, with_gaps=True):
    """The knowledge map of the Community queryset `communities` as `viewer` may see it.

    `communities` must already be limited to what the viewer may open (a queryset, used as a
    subquery by every source). `person` limits inferred expertise to one user (their profile).
    Queries: one per expertise source, two per question source (when `with_gaps`), then (not
    for one `person`) members, declared tags and the people named: 9 with forums, hot seats and
    documents, 4 for a profile.
    """
    now = now or timezone.now()
    sources = extensions.expertise_sources()
    topics = {}

    def topic(name):
        key = tag_key(name)
        if key not in topics:
            topics[key] = Topic(name=" ".join(name.split()), key=key)
        return topics[key]

    scores = {}  # (tag key, user id) -> Expert (user filled in later)
    for source in sources:
        for community_id, user_id, tag, when in source.load(communities, person):
            if not tag or user_id is None or when is None:
                continue
            t = topic(tag)
            t.community_ids.add(community_id)
            expert = scores.setdefault((t.key, user_id), Expert(user=user_id))
            expert.score += decayed(source.weight, when, now)
            expert.counts[source.key] = expert.counts.get(source.key, 0) + 1

    if with_gaps:
        since = now - datetime.timedelta(days=GAP_DAYS)
        for source in extensions.question_sources():
            asked, answered = source.load(communities, since)
            questions = {}
            for community_id, question, tag in asked:
                if tag:
                    t = topic(tag)
                    t.community_ids.add(community_id)
                    questions.setdefault(t.key, set()).add((community_id, question))
            for key, seen in questions.items():
                topics[key].questions += len(seen)
            for community_id, tag, user_id in answered:
                if tag and user_id is not None:
                    t = topic(tag)
                    t.community_ids.add(community_id)
                    t.answerer_ids.add(user_id)

    members, declared = set(), {}
    if person is None:
        members = set(
            Membership.objects.active()
            .filter(community__in=communities)
            .values_list("user_id", flat=True)
            .distinct()
        )
        rows = (
            Membership.objects.active()
            .filter(community__in=communities, user__is_active=True, user__in=people_visible_to(viewer))
            .values_list("user_id", "user__expertise__name")
            .distinct()
        )
        for user_id, tag in rows:
            if tag:
                declared.setdefault(tag_key(tag), set()).add(user_id)
                topic(tag)

    wanted = {uid for _, uid in scores} | {u for t in topics.values() for u in t.answerer_ids}
    wanted |= {u for users in declared.values() for u in users}
    if person is not None:
        people = {person.pk: person}  # a profile: the one person is already loaded
    elif wanted:
        rows = get_user_model().objects.filter(pk__in=wanted, is_active=True).order_by()
        people = {u.pk: u for u in rows.only("pk", "display_name", "email", "avatar")}
    else:
        people = {}

    by_topic = {}
    for (key, user_id), expert in scores.items():
        if user_id in people:
            expert.user = people[user_id]
            expert.is_member = person is not None or user_id in members
            by_topic.setdefault(key, []).append(expert)
    for key, t in topics.items():
        t.experts = sorted(by_topic.get(key, []), key=lambda e: (-e.score, e.user.name.casefold()))
        t.declared = sorted(
            (people[u] for u in declared.get(key, ()) if u in people), key=lambda u: u.name.casefold()
        )
        # Someone whose account is closed still answered: counted, but not named.
        t.answerers = sorted(
            (people[u] for u in t.answerer_ids if u in people), key=lambda u: u.name.casefold()
        )
    ordered = sorted(topics.values(), key=lambda t: (-t.score, -t.questions, t.key))
    return KnowledgeMap(topics=ordered, sources=sources, now=now)


def expertise_of(person, communities, *, now=None):
    """`person`'s inferred expertise in `communities`: [(tag name, score, counts)], strongest first."""
    mapped = build(communities, person, now=now, person=person, with_gaps=False)
    rows = []
    for t in mapped.topics:
        for e in t.experts:
            if e.user.pk == person.pk:
                rows.append((t.name, e.rounded, e.counts))
    return sorted(rows, key=lambda r: (-r[1], r[0].casefold()))


# --- the communities app's own evidence -----------------------------------------------------


def documents_evidence(communities, person=None):
    """Documents shared: (community, uploader, tag, created). One query."""
    rows = Document.objects.filter(community__in=communities, uploaded_by__isnull=False)
    if person is not None:
        rows = rows.filter(uploaded_by=person)
    return rows.values_list("community_id", "uploaded_by_id", "tags__name", "created_at")
