"""Notifications for discussions: replies to watched threads, mentions, accepted answers and
new threads in watched communities. Each recipient is checked against the community's
visibility first (forums.services.*_recipients), so closed content never reaches outsiders.
Immediate e-mail goes through notify(..., email=True), which honours Preference.immediate."""

from django.dispatch import receiver

from forums import services as forum_services
from forums import signals

from .services import notify


def _name(user):
    return user.name if user is not None else "A member"


@receiver(signals.thread_created)
def tell_community_watchers(sender, thread, mentioned=(), **kwargs):
    url = thread.get_absolute_url()
    told = set()
    for user in mentioned:
        notify(
            user, f"{_name(thread.author)} mentioned you in “{thread.title}”",
            url=url, kind="forums.mention", community=thread.community, email=True,
        )  # fmt: skip
        told.add(user.pk)
    for user in forum_services.new_thread_recipients(thread):
        if user.pk in told:
            continue
        notify(
            user, f"New in {thread.community.name}: “{thread.title}” by {_name(thread.author)}",
            url=url, kind="forums.thread", community=thread.community, email=True,
        )  # fmt: skip


@receiver(signals.post_created)
def tell_watchers_and_mentioned(sender, post, mentioned=(), **kwargs):
    thread, url = post.thread, post.get_absolute_url()
    told = set()
    for user in mentioned:
        notify(
            user, f"{_name(post.author)} mentioned you in “{thread.title}”",
            url=url, kind="forums.mention", community=post.community, email=True,
        )  # fmt: skip
        told.add(user.pk)
    for user in forum_services.reply_recipients(post):
        if user.pk in told:
            continue
        notify(
            user, f"{_name(post.author)} replied to “{thread.title}”",
            url=url, kind="forums.reply", community=post.community, email=True,
        )  # fmt: skip


@receiver(signals.post_mentioned)
def tell_newly_mentioned(sender, post, mentioned=(), **kwargs):
    for user in mentioned:
        notify(
            user, f"{_name(post.author)} mentioned you in “{post.thread.title}”",
            url=post.get_absolute_url(), kind="forums.mention", community=post.community, email=True,
        )  # fmt: skip


@receiver(signals.answer_accepted)
def tell_answerer(sender, thread, post, accepted_by, **kwargs):
    author = post.author
    if author is None or author.pk == accepted_by.pk or not forum_services.may_see(author, thread.community):
        return
    notify(
        author, f"Your answer to “{thread.title}” was accepted. Thank you for helping!",
        url=post.get_absolute_url(), kind="forums.accepted", community=thread.community, email=True,
    )  # fmt: skip
