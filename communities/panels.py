"""The repertoire's panel on the community home: current theme, article of the month, next meeting.

Registered in CommunitiesConfig.ready(); costs three queries whatever the size of the community.
"""

from django.utils import timezone

from .models import Article, Meeting, Theme


def this_month(request, community, access):
    today = timezone.localdate()
    theme = Theme.objects.filter(community=community).current(today).order_by("-starts_on").first()
    article = Article.objects.filter(community=community).current(today).select_related("document").first()
    meeting = Meeting.objects.filter(community=community).upcoming().first()
    if theme is None and article is None and meeting is None and not access.can_manage_themes:
        return None
    if theme is not None:
        theme.community = community
    return {"current_theme": theme, "article": article, "next_meeting": meeting}
