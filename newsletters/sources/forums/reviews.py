"""The author of a post held for approval hears the facilitator's decision (bell and e-mail)."""

from forums.models import Post

from ...services import notify


def tell_author_of_review(post_id, approved):
    post = Post.objects.select_related("author", "thread", "community").filter(pk=post_id).first()
    if post is None or post.author is None or not post.author.is_active:
        return None
    title = post.thread.title
    if approved:
        text = f"A facilitator approved your post in “{title}”: everyone in {post.community.name} can see it now."
    else:
        text = f"A facilitator did not approve your post in “{title}”. Their reason: “{post.review_note}”"
    return notify(
        post.author,
        text,
        url=post.get_absolute_url(),
        kind="forums.review",
        community=post.community,
        email=True,
    )
