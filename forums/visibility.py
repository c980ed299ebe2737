"""How discussions resolve to an audience in the one visibility rule (communities.policy)."""

from communities.policy import EVERYONE, MODERATORS, NOBODY, in_community, register


def thread_audience(thread):
    """Hidden threads: facilitators and staff only; held ones (waiting for approval, or not
    approved) also their author."""
    audience = in_community(thread)
    if thread.hidden_at is None:
        return audience
    if thread.held_at is not None:
        return audience.held_for(thread.author_id)
    return audience.narrow(MODERATORS)


def post_audience(post):
    """A post reaches as far as its thread; hidden posts moderators only, deleted ones nobody;
    a held post moderators and its author, if the author may see its thread (Post.visible_to
    states the same rule in SQL)."""
    audience = thread_audience(post.thread)
    if post.deleted_at is not None:
        return audience.narrow(NOBODY)
    if post.hidden_at is not None:
        author_sees_thread = audience.level == EVERYONE or post.author_id in audience.owners
        if post.held_at is not None and author_sees_thread:
            return audience.held_for(post.author_id)
        return audience.narrow(MODERATORS)
    return audience


def survey_audience(survey):
    """Drafts: facilitators and staff; published surveys: whoever may view the community."""
    audience = in_community(survey)
    return audience.narrow(MODERATORS) if survey.published_at is None else audience


def blog_post_audience(post):
    """Drafts: facilitators and staff (the author reaches their own draft by the page's rule)."""
    audience = in_community(post)
    if post.published_at is None:
        return audience.narrow(MODERATORS)
    return audience


def register_types():
    from .models import BlogPost, Post, QuickPoll, Survey, Thread

    register(BlogPost, blog_post_audience)
    register(Thread, thread_audience)
    register(Post, post_audience)
    register(Survey, survey_audience)
    register(QuickPoll, in_community)
