"""Searching discussions: words (not substrings), ranked, each thread once, words highlighted.

Indexes (migration 0004_search, declared as `cop_platform.fulltext.Index`es below):
- PostgreSQL: stored `search_vector` columns, generated from the text (so every write keeps them
  current, bulk inserts included) with GIN indexes: `forums_post` (the body) and
  `forums_thread` (the title, weight A: a match in the title ranks far above one in a reply).
- SQLite: FTS5 tables `forums_post_fts` and `forums_thread_fts` (Porter stemming) kept current by
  triggers, so the embedded default also finds "baselines" for "baselining" and not "cat" inside
  "category".

A search costs four queries whatever the number of matches (on PostgreSQL one more, which
turns parallel plans off for the search's transaction: starting workers costs a small server
more than these queries do):
0. the communities the viewer may read and moderate (`policy.read_once`: read once rather than
   compiled into each query below as a subquery);
1. the newest CANDIDATES matching posts the viewer may read (`Post.visible_to`, the one rule),
   with their rank: PostgreSQL reads the primary key backwards for a common word and the GIN
   index for a rarer one, and ranks only what it returns;
2. the newest CANDIDATES threads whose title matches, with their rank;
3. for the threads on the page, their best post with a highlighted snippet (and the title
   highlighted): the only rows whose text is read for highlighting.
Threads are ranked by title rank + best post rank, so a thread appears once. Bounding the
candidates to the newest matches keeps the cost flat when a common word matches a large share of
a big site (nothing counts every match); `Results.capped` says so and the page shows "more
than N".

Snippets come back with private-use characters around the matched words and are split into
(text, highlighted) parts that the template escapes one by one: nothing is marked safe and
nothing is escaped twice.
"""

from dataclasses import dataclass, field

from django.db.models import FloatField, Q, Value

from communities.policy import read_once
from cop_platform import fulltext
from cop_platform.fulltext import MARK_START, MARK_STOP, Index, parts, plain, readable  # noqa: F401

from .models import Post, Thread

POSTS = Index("forums_post", (("body", "D"),))
THREADS = Index("forums_thread", (("title", "A"),))
INDEXES = [POSTS, THREADS]
CANDIDATES = 250  # 500 cost ~10 ms more at p95 on 200,000 posts (docs/benchmarks.md)


@dataclass
class Filters:
    community: object = None  # a Community or None
    kind: str = ""  # Thread.Kind value or ""
    author: object = None  # a User or None
    since: object = None  # date or None
    until: object = None  # date or None
    solved: str = ""  # "yes", "no" or ""
    tag: str = ""


@dataclass
class Hit:
    thread: Thread
    post: Post
    title: list  # [(text, highlighted)]
    snippet: list  # [(text, highlighted)]
    rank: float


@dataclass
class Results:
    hits: list = field(default_factory=list)  # the requested page
    count: int = 0  # threads found (at most CANDIDATES)
    capped: bool = False  # there may be more matches than were ranked
    page: int = 1  # the page shown (the last one when asked for a page past the end)


is_postgres = fulltext.is_postgres
fts_query = fulltext.fts_query


def _thread_filters(filters, *, from_post):
    """The filters that are about the thread, for posts (`from_post`) or for threads."""
    on = "thread__" if from_post else ""
    q = Q()
    if filters.community is not None:
        q &= Q(community=filters.community)
    if filters.kind:
        q &= Q(**{f"{on}kind": filters.kind})
    if filters.solved == "yes":
        q &= Q(**{f"{on}accepted_post__isnull": False})
    elif filters.solved == "no":
        q &= Q(**{f"{on}kind": Thread.Kind.QUESTION, f"{on}accepted_post__isnull": True})
    if filters.tag:
        tagged = Thread.objects.filter(Q(tags__slug=filters.tag) | Q(tags__name__iexact=filters.tag))
        q &= Q(**{"thread_id__in" if from_post else "pk__in": tagged.values("pk")})
    return q


def _written(filters):
    """Filters about who wrote and when (a title counts as written with the opening post)."""
    q = Q()
    if filters.author is not None:
        q &= Q(author=filters.author)
    if filters.since:
        q &= Q(created_at__date__gte=filters.since)
    if filters.until:
        q &= Q(created_at__date__lte=filters.until)
    return q


def search(user, q, filters=None, *, page=1, per_page=20):
    """The page `page` of threads matching `q` that `user` may read (see the module docstring)."""
    filters = filters or Filters()
    if not fulltext.words(q):
        return Results()
    with fulltext.serial_plans(), read_once(user):
        return _search(user, q, filters, page, per_page)


def _search(user, q, filters, page, per_page):
    # The one rule: deleted posts for nobody, hidden ones (or in a hidden thread) for the
    # community's moderators only; hidden threads likewise.
    posts = Post.objects.visible_to(user).filter(_thread_filters(filters, from_post=True), _written(filters))
    titled = Thread.objects.visible_to(user).filter(
        _thread_filters(filters, from_post=False), _written(filters)
    )
    post_rows = list(
        fulltext.matching(posts, POSTS, q).order_by("-pk").values_list("pk", "thread_id", "rank")[:CANDIDATES]
    )
    title_rank = None if is_postgres() else Value(WEIGHT_TITLE, output_field=FloatField())
    title_rows = list(
        fulltext.matching(titled, THREADS, q, rank=title_rank)
        .order_by("-pk")
        .values_list("pk", "rank")[:CANDIDATES]
    )
    best_post, score = {}, {}
    for post_id, thread_id, rank in post_rows:
        rank = float(rank or 0)
        if thread_id not in best_post or rank > best_post[thread_id][1]:
            best_post[thread_id] = (post_id, rank)
    for thread_id, (_post_id, rank) in best_post.items():
        score[thread_id] = rank
    title_matched = set()
    for thread_id, rank in title_rows:
        title_matched.add(thread_id)
        score[thread_id] = score.get(thread_id, 0.0) + float(rank or 0)
    ordered = sorted(score, key=lambda t: (-score[t], -t))
    results = Results(
        count=len(ordered), capped=len(post_rows) >= CANDIDATES or len(title_rows) >= CANDIDATES
    )
    results.page = page = max(1, min(page, -(-results.count // per_page)))
    start = (page - 1) * per_page
    chosen = ordered[start : start + per_page]
    if not chosen:
        return results
    wanted_posts = [best_post[t][0] for t in chosen if t in best_post]
    openers = [t for t in chosen if t not in best_post]
    page_posts = (
        Post.objects.filter(Q(pk__in=wanted_posts) | Q(thread_id__in=openers, number=1))
        .select_related("thread", "community", "author")
        .annotate(
            snippet_text=fulltext.marked(POSTS, "body", q, words=30),
            title_text=fulltext.marked(THREADS, "title", q, whole=True),
        )
    )
    by_thread = {p.thread_id: p for p in page_posts}
    for thread_id in chosen:
        post = by_thread.get(thread_id)
        if post is None:
            continue
        title = post.title_text if thread_id in title_matched or is_postgres() else None
        results.hits.append(
            Hit(
                thread=post.thread,
                post=post,
                title=parts(title or post.thread.title),
                snippet=parts(post.snippet_text) if post.snippet_text else plain(post.body),
                rank=score[thread_id],
            )
        )
    return results


# bm25 of a short title is on another scale than a body's: on SQLite a title match counts as a
# strong one, as PostgreSQL's weight 'A' makes it.
WEIGHT_TITLE = 10.0
