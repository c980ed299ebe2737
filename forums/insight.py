"""What discussions add to the community dashboard: replies, their speed and the weekly rhythm.

Registered with `communities.extensions.register_insight` in ForumsConfig.ready().

- A question is a thread of kind "question" opened in the period and not hidden.
- Its first reply is the earliest visible reply (not deleted or hidden) by someone other than
  the person who asked; replies to oneself do not answer anyone.
- Time to first reply is measured only for questions that have had one (so far); the
  unanswered rate is the share of the period's questions with no such reply yet.
- A newcomer's first post is a question or discussion whose opening post was its author's first
  post in the community (`Thread.is_first_post`).
"""

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate

from communities.charts import Series, bar_chart
from communities.insight import median_hours, share, week_label

from .models import Post, Thread


def dashboard_figures(community, period):
    """Two queries: the period's threads with their first reply, and replies per day."""
    reply = Q(posts__number__gt=1, posts__deleted_at__isnull=True, posts__hidden_at__isnull=True) & (
        Q(author__isnull=True) | ~Q(posts__author=F("author")) | Q(posts__author__isnull=True)
    )
    threads = list(
        Thread.objects.filter(
            community=community,
            created_at__gte=period.start,
            created_at__lte=period.end,
            hidden_at__isnull=True,
        )
        .exclude(kind=Thread.Kind.ANNOUNCEMENT)
        .annotate(first_reply_at=Min("posts__created_at", filter=reply))
        .values_list("kind", "is_first_post", "created_at", "first_reply_at", "accepted_post_id")
    )
    questions = [t for t in threads if t[0] == Thread.Kind.QUESTION]
    answered = [t for t in questions if t[3] is not None]
    firsts = [t for t in threads if t[1]]
    firsts_answered = [t for t in firsts if t[3] is not None]
    replies_per_day = dict(
        Post.objects.filter(
            community=community,
            number__gt=1,
            created_at__gte=period.start,
            created_at__lte=period.end,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            thread__hidden_at__isnull=True,
        )
        .annotate(day=TruncDate("created_at", tzinfo=period.tz))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    questions_per_day = {}
    for t in questions:
        day = period.local_day(t[2])
        questions_per_day[day] = questions_per_day.get(day, 0) + 1
    return {
        "questions": len(questions),
        "answered": len(answered),
        "unanswered": len(questions) - len(answered),
        "unanswered_rate": share(len(questions) - len(answered), len(questions)),
        "solved": sum(1 for t in questions if t[4] is not None),
        "median_hours": median_hours([t[3] - t[2] for t in answered]),
        "first_posts": len(firsts),
        "first_posts_answered": len(firsts_answered),
        "first_post_median_hours": median_hours([t[3] - t[2] for t in firsts_answered]),
        "replies": sum(replies_per_day.values()),
        "weekly_chart": bar_chart(
            "questions",
            "Questions and replies per week",
            "Week of",
            period.weeks,
            [
                Series("Questions", period.per_week(questions_per_day), "questions"),
                Series("Replies", period.per_week(replies_per_day), "replies"),
            ],
            label_fmt=week_label,
        ),
    }
