"""The article of the month: feature, edit, remove."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from ... import activity
from ...models import Article
from ...policy import access_for
from ...services import CommunityError

# --- article of the month -----------------------------------------------------------------


def feature_article(user, community, *, month, title, introduction, url="", document=None):
    """Feature one article for a month (one per community per month)."""
    if not access_for(user, community).can_feature_article:
        raise CommunityError("Only facilitators can choose the article of the month.")
    if not url and document is None:
        raise CommunityError("Please give the article's web address or choose a document from the library.")
    if document is not None and document.community_id != community.pk:
        raise CommunityError("That document belongs to another community.")
    month = month.replace(day=1)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                community=community, month=month, title=title.strip(), url=url, document=document,
                introduction=introduction, featured_by=user,
            )  # fmt: skip
    except IntegrityError as error:
        raise CommunityError(
            f"There is already an article of the month for {month:%B %Y}. Choose another month."
        ) from error
    activity.record(
        community, user, "article.featured", f"Article of the month for {month:%B %Y}: {article.title}",
        url=reverse("communities:articles", args=[community.slug]), target=article,
    )  # fmt: skip
    return article


def update_article(user, article, *, month, title, introduction, url="", document=None):
    if not access_for(user, article.community).can_feature_article:
        raise CommunityError("Only facilitators can change the article of the month.")
    if not url and document is None:
        raise CommunityError("Please give the article's web address or choose a document from the library.")
    if document is not None and document.community_id != article.community_id:
        raise CommunityError("That document belongs to another community.")
    month = month.replace(day=1)
    article.month, article.title, article.url = month, title.strip(), url
    article.document, article.introduction = document, introduction
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as error:
        raise CommunityError(
            f"There is already an article of the month for {month:%B %Y}. Choose another month."
        ) from error
    return article


def remove_article(user, article):
    if not access_for(user, article.community).can_feature_article:
        raise CommunityError("Only facilitators can remove an article of the month.")
    activity.withdraw(article)
    article.delete()
