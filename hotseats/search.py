"""Searching hot seat questions and their answers: words, not substrings, ranked, highlighted.

PostgreSQL: a stored `search_vector` (the question weight 'A', the answer 'B') with a GIN index;
SQLite: an FTS5 table kept by triggers (`cop_platform.fulltext`, migration 0002_search).
Who may see a question is `Question.objects.visible_to(user)`, the one rule.
"""

from cop_platform import fulltext
from cop_platform.fulltext import Index

QUESTIONS = Index("hotseats_question", (("body", "A"), ("answer", "B")))
INDEXES = [QUESTIONS]


def matching(questions, q):
    """`questions` whose question or answer has the words of `q`, annotated with `rank`."""
    return fulltext.matching(questions, QUESTIONS, q)


def search(user, q, *, community=None, limit=20):
    """Up to `limit` questions `user` may see matching `q`, best first, each with `title_parts`
    (the question, from its start) and `snippet_parts` (the answer around the matches)."""
    from .models import Question

    if not fulltext.words(q):
        return []
    questions = Question.objects.visible_to(user)
    if community is not None:
        questions = questions.filter(hotseat__community=community)
    found = list(
        matching(questions, q)
        .annotate(
            body_marked=fulltext.marked(QUESTIONS, "body", q, whole=True),
            answer_marked=fulltext.marked(QUESTIONS, "answer", q),
        )
        .select_related("hotseat", "hotseat__community")
        .order_by("-rank", "-created_at", "-pk")[:limit]
    )
    for question in found:
        question.title_parts = fulltext.shorten(fulltext.parts(question.body_marked or question.body))
        if fulltext.has_mark(question.answer_marked):
            question.snippet_parts = fulltext.parts(question.answer_marked)
        else:
            question.snippet_parts = fulltext.plain(question.answer, 30) if question.answer else []
    return found
