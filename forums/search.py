"""Searching discussions: words (not substrings), ranked, each thread once, words highlighted.

Indexes (migration 0004_search):
- PostgreSQL: stored `search_vector` columns, generated from the text (so every write keeps them
  current, bulk inserts included) with GIN indexes: `forums_post` (the body) and
  `forums_thread` (the title, weight A: a match in the title ranks far above one in a reply).
- SQLite: FTS5 tables `forums_post_fts` and `forums_thread_fts` (Porter stemming) kept current by
  triggers, so the embedded default also finds "baselines" for "baselining" and not "cat" inside
  "category".

A search costs three queries whatever the number of matches:
1. the newest CANDIDATES matching posts the viewer may read, with their rank;
2. the newest CANDIDATES threads whose title matches, with their rank;
3. for the threads on the page, their best post with a highlighted snippet (and the title
   highlighted).
Threads are ranked by title rank + best post rank, so a thread appears once. Bounding the
candidates to the newest matches keeps the cost flat when a common word matches a large share of
a big site; `Results.capped` says so and the page shows "more than N".

Snippets come back with private-use characters around the matched words and are split into
(text, highlighted) parts that the template escapes one by one: nothing is marked safe and
nothing is escaped twice.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.text import Truncator

from .models import Post, Thread

CANDIDATES = 1000
MARK_START, MARK_STOP = "\ue000", "\ue001"
_WORD = re.compile(r"\w+", re.UNICODE)


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


def is_postgres():
    return connection.vendor == "postgresql"


def fts_query(q):
    """The user's words as an FTS5 query: every word must appear (as a word, any form)."""
    words = _WORD.findall(q.lower())[:12]
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def _sql(sql, params, output_field):
    """This module's constant SQL fragments; the user's text only ever travels as a parameter."""
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611


def _visible_threads(user, filters):
    threads = Thread.objects.visible_to(user)
    if filters.community is not None:
        threads = threads.filter(community=filters.community)
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.solved == "yes":
        threads = threads.filter(accepted_post__isnull=False)
    elif filters.solved == "no":
        threads = threads.filter(kind=Thread.Kind.QUESTION, accepted_post__isnull=True)
    if filters.tag:
        threads = threads.filter(Q(tags__slug=filters.tag) | Q(tags__name__iexact=filters.tag))
    return threads


def _visible_posts(user, threads, filters):
    # The one rule: deleted posts for nobody, hidden ones for the community's moderators only.
    posts = Post.objects.visible_to(user).filter(thread__in=threads.values("pk"))
    if filters.author is not None:
        posts = posts.filter(author=filters.author)
    if filters.since:
        posts = posts.filter(created_at__date__gte=filters.since)
    if filters.until:
        posts = posts.filter(created_at__date__lte=filters.until)
    return posts


def search(user, q, filters=None, *, page=1, per_page=20):
    """The page `page` of threads matching `q` that `user` may read (see the module docstring)."""
    filters = filters or Filters()
    words = _WORD.findall(q)
    if not words:
        return Results()
    threads = _visible_threads(user, filters)
    posts = _visible_posts(user, threads, filters)
    # A title belongs to the thread's opening post: filters by author and date apply to it so.
    titled = threads
    if filters.author is not None:
        titled = titled.filter(author=filters.author)
    if filters.since:
        titled = titled.filter(created_at__date__gte=filters.since)
    if filters.until:
        titled = titled.filter(created_at__date__lte=filters.until)
    if is_postgres():
        tsq = "websearch_to_tsquery('english', %s)"
        post_match = _sql(f"forums_post.search_vector @@ {tsq}", (q,), BooleanField())
        post_rank = _sql(f"ts_rank(forums_post.search_vector, {tsq})", (q,), FloatField())
        title_match = _sql(f"forums_thread.search_vector @@ {tsq}", (q,), BooleanField())
        title_rank = _sql(f"ts_rank(forums_thread.search_vector, {tsq})", (q,), FloatField())
    else:
        match = fts_query(q)
        post_match = RawSQL(
            "forums_post.id IN (SELECT rowid FROM forums_post_fts WHERE forums_post_fts MATCH %s)",
            (match,),
            output_field=BooleanField(),
        )
        post_rank = RawSQL(
            "SELECT -bm25(forums_post_fts) FROM forums_post_fts "
            "WHERE forums_post_fts MATCH %s AND forums_post_fts.rowid = forums_post.id",
            (match,),
            output_field=FloatField(),
        )
        title_match = RawSQL(
            "forums_thread.id IN (SELECT rowid FROM forums_thread_fts WHERE forums_thread_fts MATCH %s)",
            (match,),
            output_field=BooleanField(),
        )
        # bm25 of a short title is on another scale than a body's: a title match counts as a
        # strong one, as PostgreSQL's weight 'A' makes it.
        title_rank = Value(10.0, output_field=FloatField())
    post_rows = list(
        posts.filter(post_match)
        .annotate(rank=post_rank)
        .order_by("-pk")
        .values_list("pk", "thread_id", "rank")[:CANDIDATES]
    )
    title_rows = list(
        titled.filter(title_match)
        .annotate(rank=title_rank)
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
    page_posts = Post.objects.filter(
        Q(pk__in=wanted_posts) | Q(thread_id__in=openers, number=1)
    ).select_related("thread", "community", "author")
    if is_postgres():
        from django.contrib.postgres.search import SearchHeadline, SearchQuery

        query = SearchQuery(q, search_type="websearch", config="english")
        page_posts = page_posts.annotate(
            snippet_text=SearchHeadline(
                "body", query, config="english", start_sel=MARK_START, stop_sel=MARK_STOP,
                max_words=35, min_words=15, max_fragments=2,
            ),
            title_text=SearchHeadline(
                "thread__title", query, config="english", start_sel=MARK_START, stop_sel=MARK_STOP,
                highlight_all=True,
            ),
        )  # fmt: skip
    else:
        match = fts_query(q)
        page_posts = page_posts.annotate(
            snippet_text=RawSQL(
                "SELECT snippet(forums_post_fts, 0, %s, %s, '…', 30) FROM forums_post_fts "
                "WHERE forums_post_fts MATCH %s AND forums_post_fts.rowid = forums_post.id",
                (MARK_START, MARK_STOP, match),
            ),
            title_text=RawSQL(
                "SELECT highlight(forums_thread_fts, 0, %s, %s) FROM forums_thread_fts "
                "WHERE forums_thread_fts MATCH %s AND forums_thread_fts.rowid = forums_post.thread_id",
                (MARK_START, MARK_STOP, match),
            ),
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


# Snippets come from the Markdown source: show a link's words, not its address (which may hold
# highlighted words too), and drop emphasis and heading marks.
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")
_MARKUP = re.compile(r"!?\[|\*\*|__|^#+\s*", re.M)


def readable(markdown):
    return _MARKUP.sub("", _LINK_TARGET.sub("", markdown))


def parts(marked):
    """[(text, highlighted)] from text whose matches are wrapped in MARK_START/MARK_STOP."""
    out = []
    for chunk in readable(marked or "").split(MARK_START):
        hit, _, rest = chunk.rpartition(MARK_STOP)
        if hit:
            out.append((hit, True))
        if rest:
            out.append((rest, False))
    return out


def plain(text, length=40):
    return [(Truncator(readable(text)).words(length), False)]
