"""Reactions, bookmarks, drafts and images: what one member does for themselves.

Each write checks the policy and owns its transaction. On the thread page the viewer's
reactions, bookmarks and reply draft are overlay state (forums/personal_state.py): no query.
"""

import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from PIL import ImageOps

from communities.filetypes import UploadRefused, redraw_image
from communities.policy import access_for

from ..models import Bookmark, Draft, Post, PostImage, Reaction
from .errors import ForumError

IMAGE_MAX_BYTES = 8 * 1024 * 1024
IMAGE_MAX_SIDE = 1600
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
DRAFT_MAX_CHARS = 20_000


def toggle_reaction(user, post, kind):
    """Add or take back one reaction; returns True if it is now on."""
    if kind not in Reaction.Kind.values:
        raise ForumError("That reaction does not exist.")
    access = access_for(user, post.thread.community)
    if not access.can_react(post):
        raise ForumError("Only members can react, and not to their own posts.")
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one writer of the counts at a time
        deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        if not deleted:
            Reaction.objects.create(post=post, user=user, kind=kind)
        counts = dict(
            Reaction.objects.filter(post=post)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
        Post.objects.filter(pk=post.pk).update(reaction_counts=counts)
    return not deleted


def toggle_bookmark(user, post):
    """Save a post for later, or forget it; returns True if it is now saved."""
    deleted, _ = Bookmark.objects.filter(post=post, user=user).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Bookmark.objects.create(post=post, user=user)
    except IntegrityError:
        pass
    return True


def save_draft(user, key, body):
    """Keep what the member is typing (one row per box); an empty box forgets the draft."""
    body = (body or "")[:DRAFT_MAX_CHARS]
    if not body.strip():
        discard_draft(user, key)
        return None
    draft, _ = Draft.objects.update_or_create(
        user=user, key=key, defaults={"body": body, "updated_at": timezone.now()}
    )
    return draft


def discard_draft(user, key):
    Draft.objects.filter(user=user, key=key).delete()


def draft_text(user, key):
    if not user.is_authenticated:
        return ""
    return Draft.objects.filter(user=user, key=key).values_list("body", flat=True).first() or ""


def store_image(user, community, upload):
    """Check an uploaded image by its content, re-encode it (dropping metadata and anything
    hidden in the file), shrink it to at most 1600 px and store it. Returns the PostImage."""
    if not access_for(user, community).can_post:
        raise ForumError("Only members can add images here.")
    if upload.size > IMAGE_MAX_BYTES:
        raise ForumError("That image is too large: please keep it under 8 MB.")
    drawn = {}

    def encode(image, out):
        if image.format not in IMAGE_FORMATS:
            raise UploadRefused("Please add a JPEG, PNG, GIF or WebP image.")
        image = ImageOps.exif_transpose(image)
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB")
        if has_alpha:
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "JPEG", quality=85, optimize=True)
        drawn.update(extension="png" if has_alpha else "jpg", size=image.size)

    # The same checks as every other image upload (content, pixel count, damaged files).
    try:
        data = redraw_image(upload, encode)
    except UploadRefused as error:
        raise ForumError(str(error)) from error
    extension, (width, height) = drawn["extension"], drawn["size"]
    stored = PostImage(
        community=community,
        uploaded_by=user,
        token=secrets.token_urlsafe(18),
        extension=extension,
        width=width,
        height=height,
    )
    stored.file.save(f"{stored.token}.{extension}", ContentFile(data), save=False)
    stored.save()
    return stored
