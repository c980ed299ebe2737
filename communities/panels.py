"""The repertoire's panel on the community home: current theme, article of the month, next meeting.

Registered in CommunitiesConfig.ready(); one query whatever the size of the community: the
community row joined to its running themes, this month's articles and the meetings to come (the
same rules as `Theme.objects.current()`, `Article.objects.current()` and
`Meeting.objects.upcoming()`), of which the first row holds the newest theme and the next meeting.
"""

from django.db.models import F, FilteredRelation
from django.utils import timezone

from .models import Community
from .models.articles import featured_in
from .models.meetings import not_over
from .models.themes import running_on


def this_month(request, community, access):
    today = timezone.localdate()
    row = (
        Community.objects.filter(pk=community.pk)
        .only("pk")
        .annotate(
            theme_now=FilteredRelation("themes", condition=running_on(today, "themes__")),
            article_now=FilteredRelation("articles", condition=featured_in(today, "articles__")),
            meeting_next=FilteredRelation("meetings", condition=not_over(timezone.now(), "meetings__")),
        )
        .select_related("theme_now", "article_now", "meeting_next")
        .order_by(
            F("theme_now__starts_on").desc(nulls_last=True),
            F("meeting_next__starts_at").asc(nulls_last=True),
            F("article_now__pk").desc(nulls_last=True),
        )
        .first()
    )
    # A join that found nothing leaves its attribute unset.
    theme, article, meeting = (
        getattr(row, name, None) for name in ("theme_now", "article_now", "meeting_next")
    )
    if theme is None and article is None and meeting is None and not access.can_manage_themes:
        return None
    for item in (theme, article, meeting):
        if item is not None:
            item.community = community
    return {"current_theme": theme, "article": article, "next_meeting": meeting}
