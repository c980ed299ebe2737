"""Profile photos: stored under MEDIA_ROOT/avatars/ with a content-hash name, served by
`cop_platform.views.people.avatar` to whoever may see the profile."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from communities.filetypes import UploadRefused, square_avatar

AVATAR_MAX_BYTES = 5 * 1024 * 1024
FOLDER = "avatars"


def path_of(name):
    return f"{FOLDER}/{name}"


def check_avatar_upload(upload):
    """The re-encoded square photo as bytes, or UploadRefused with words the member can act on."""
    if upload.size > AVATAR_MAX_BYTES:
        raise UploadRefused("That photo is too large: please choose one under 5 MB.")
    return square_avatar(upload)


def set_avatar(user, data):
    """Store the (already re-encoded) photo under its hash and make it the member's avatar."""
    name = f"{hashlib.sha256(data).hexdigest()}.webp"
    if not default_storage.exists(path_of(name)):
        default_storage.save(path_of(name), ContentFile(data))
    _replace(user, name)


def remove_avatar(user):
    """Back to initials."""
    _replace(user, "")


def _replace(user, name):
    old = user.avatar
    user.avatar = name
    user.save(update_fields=["avatar"])
    if old and old != name:
        transaction.on_commit(lambda: _forget_if_unused(old))


def _forget_if_unused(name):
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(avatar=name).exists():
        default_storage.delete(path_of(name))
