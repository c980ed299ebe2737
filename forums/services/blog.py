"""The community blog: drafts, publishing (which opens the comments thread), comments through
the discussions' own services, featuring on the community home, article of the month."""

from django.db import transaction
from django.utils import timezone

from communities import activity
from communities.policy import access_for
from communities.repertoire import services as repertoire
from communities.services import CommunityError
from cop_platform.emails import absolute_url

from .. import signals
from ..models import BlogPost, Thread
from .errors import ForumError
from .posting import post_reply, start_thread


def _clean(value, what, limit):
    value = (value or "").strip()
    if not value:
        raise ForumError(f"Please write the {what}.")
    if len(value) > limit:
        raise ForumError(f"The {what} is too long ({len(value)} characters; {limit} at most).")
    return value


def save_blog_post(author, community, *, title, body, summary="", tags=(), post=None):
    """Create a draft, or save changes to a draft or a published post (author or facilitator)."""
    access = access_for(author, community)
    if post is None and not access.can_publish_blog:
        raise ForumError(
            "Only core members and facilitators write on this blog."
            if access.can_post
            else f"Only members of {community.name} can write on its blog."
        )
    if post is not None and not access.can_edit_blog_post(post):
        raise ForumError("Only the author or a facilitator can edit this post.")
    title, body = _clean(title, "title", 200), _clean(body, "post", 50000)
    with transaction.atomic():
        if post is None:
            post = BlogPost(community=community, author=author)
        post.title, post.body, post.summary = title, body, (summary or "").strip()[:300]
        post.updated_at = timezone.now()
        post.save()
        post.tags.set([t.strip()[:100] for t in tags if t.strip()])
    return post


def publish_blog_post(user, post):
    """Publish a draft: opens its comments thread and tells the community (once)."""
    community = post.community
    access = access_for(user, community)
    if not (access.can_publish_blog and access.can_edit_blog_post(post)) and not access.can_moderate:
        raise ForumError("Only the author can publish this post.")
    if post.published_at is not None:
        return post
    with transaction.atomic():
        locked = BlogPost.objects.select_for_update().get(pk=post.pk)
        if locked.published_at is not None:
            return locked
        now = timezone.now()
        author = post.author or user
        thread = start_thread(
            author, community, title=f"Comments: {post.title}"[:200], kind=Thread.Kind.DISCUSSION,
            body=f"Comments on the blog post [{post.title}]({post.get_absolute_url()}).",
        )  # fmt: skip
        activity.withdraw(thread)  # the post itself is the news, not its comments thread
        post.published_at, post.thread = now, thread
        post.save(update_fields=["published_at", "thread"])
        activity.record(
            community,
            author,
            "blog.published",
            f"Blog: {post.title}",
            url=post.get_absolute_url(),
            target=post,
        )
        signals.blog_published.send(sender=BlogPost, post=post)
    return post


def comment_on_blog_post(user, post, body):
    """A comment is a reply in the post's thread: same rules, moderation and notifications."""
    if post.thread is None:
        raise ForumError("Comments open once the post is published.")
    return post_reply(user, post.thread, body)


def set_featured(user, post, featured):
    if not access_for(user, post.community).can_feature_blog_post:
        raise ForumError("Only facilitators choose what is featured.")
    if not post.is_published:
        raise ForumError("Publish the post first.")
    post.featured_at = timezone.now() if featured else None
    post.save(update_fields=["featured_at"])


def choose_as_article_of_the_month(user, post):
    """Make the post this month's article of the month (communities' own service checks it)."""
    if not post.is_published:
        raise ForumError("Publish the post first.")
    try:
        return repertoire.feature_article(
            user, post.community, month=timezone.localdate(), title=post.title,
            url=absolute_url(post.get_absolute_url()), introduction=post.teaser,
        )  # fmt: skip
    except CommunityError as error:
        raise ForumError(str(error)) from None
