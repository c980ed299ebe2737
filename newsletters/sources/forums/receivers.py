"""What the discussions tell whom: new threads, replies, mentions and accepted answers.

Each receiver only enqueues one task on commit (newsletters.notifying.tell); the topics below
say, for the worker, who the candidates are, what they read and where it links. Whether each
may see the thread is the policy's answer (readers_of), checked in every batch.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from cop_platform import memberstate
from forums import signals
from forums.models import CommunityWatch, Post, Thread, ThreadWatch

from ... import notifying
from ...models import Notification
from ...notifying import Topic


def _name(user):
    return user.name if user is not None else "A member"


def _ids(users):
    return [u.pk for u in users]


# --- a new thread: people it mentions, then the community's watchers -----------------------


def _load_thread(pk):
    return Thread.objects.select_related("community", "author").filter(pk=pk).first()


def _thread_text(thread, kind, user, extra):
    if kind == "forums.mention":
        return f"{_name(thread.author)} mentioned you in “{thread.title}”"
    return f"New in {thread.community.name}: “{thread.title}” by {_name(thread.author)}"


THREAD_CREATED = notifying.register(
    Topic(
        "forums.thread_created",
        load=_load_thread,
        groups=lambda thread, extra: [
            ("forums.mention", extra.get("mentioned", [])),
            ("forums.thread", CommunityWatch.objects.filter(community_id=thread.community_id).values_list("user_id", flat=True)),
        ],
        text=_thread_text,
        url=lambda thread, kind: thread.get_absolute_url(),
        community=lambda thread: thread.community,
        about=lambda thread: f"thread:{thread.pk}",
    )
)  # fmt: skip


# --- a reply, an edit that mentions someone new, an accepted answer ------------------------


def _load_post(pk):
    return Post.objects.select_related("community", "thread__community", "author").filter(pk=pk).first()


def _post_text(post, kind, user, extra):
    title = post.thread.title
    if kind == "forums.mention":
        return f"{_name(post.author)} mentioned you in “{title}”"
    if kind == "forums.accepted":
        return f"Your answer to “{title}” was accepted. Thank you for helping!"
    return f"{_name(post.author)} replied to “{title}”"


def _post_groups(post, extra):
    groups = [("forums.mention", extra.get("mentioned", []))]
    if extra.get("watchers"):
        groups.append(
            (
                "forums.reply",
                ThreadWatch.objects.filter(thread_id=post.thread_id).values_list("user_id", flat=True),
            )
        )
    if extra.get("accepted"):
        groups.append(("forums.accepted", [post.author_id]))
    return groups


POST = notifying.register(
    Topic(
        "forums.post",
        load=_load_post,
        groups=_post_groups,
        text=_post_text,
        url=lambda post, kind: post.get_absolute_url(),
        community=lambda post: post.community,
        about=lambda post: f"thread:{post.thread_id}",
    )
)


@receiver(signals.thread_created)
def tell_community_watchers(sender, thread, mentioned=(), **kwargs):
    notifying.tell(THREAD_CREATED.name, thread, actor=thread.author_id, mentioned=_ids(mentioned))


@receiver(signals.post_created)
def tell_watchers_and_mentioned(sender, post, mentioned=(), **kwargs):
    notifying.tell(POST.name, post, actor=post.author_id, mentioned=_ids(mentioned), watchers=True)


@receiver(signals.post_mentioned)
def tell_newly_mentioned(sender, post, mentioned=(), **kwargs):
    notifying.tell(POST.name, post, actor=post.author_id, mentioned=_ids(mentioned))


@receiver(signals.answer_accepted)
def tell_answerer(sender, thread, post, accepted_by, **kwargs):
    notifying.tell(POST.name, post, actor=accepted_by, accepted=True)


# --- a post held for approval: the community's facilitators ---------------------------------


def _held_text(post, kind, user, extra):
    what = "A new discussion" if post.is_opening else "A reply"
    return f"{what} by {_name(post.author)} waits for your approval: “{post.thread.title}”"


HELD = notifying.register(
    Topic(
        "forums.held",
        load=_load_post,
        groups=lambda post, extra: [
            ("forums.held", Membership.objects.facilitators().filter(community_id=post.community_id).values_list("user_id", flat=True)),
        ],
        text=_held_text,
        url=lambda post, kind: reverse("forums:queue", args=[post.community.slug]),
        community=lambda post: post.community,
    )
)  # fmt: skip


@receiver(signals.post_held)
def tell_facilitators_of_held_post(sender, post, **kwargs):
    notifying.tell(HELD.name, post, actor=post.author_id)


@receiver(signals.post_reviewed)
def tell_author_of_review(sender, post, approved, reviewer, **kwargs):
    from ... import tasks

    if post.author_id:
        tasks.tell_author_of_review.delay_on_commit(post.pk, approved)


# --- reading a thread clears its notifications ----------------------------------------------


@receiver(signals.thread_read)
def clear_notifications_of_read_thread(sender, user, thread, number, **kwargs):
    """The member read new posts of `thread`: its unread notifications are read too (one UPDATE).

    Notification links are the thread's address or a post's address within it, so they all
    start with the thread's path (its trailing slash keeps thread 5 from matching thread 51).
    """
    if Notification.objects.filter(
        recipient=user, read_at__isnull=True, url__startswith=thread.get_absolute_url()
    ).update(read_at=timezone.now()):
        memberstate.changed(user.pk)
