"""Changes that date community pages without being rows of a community.

`cop_platform.pagecache` dates a community's cached pages when a row with its `community_id` is
saved. A member's name, photo or job title is shown on every page they wrote in, in every
community they belong to: a change of profile dates all of those (signing in, which saves only
`last_login`, does not).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from cop_platform import pagecache

from .models import Membership


def _profile_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    for community_id in Membership.objects.filter(user=instance).values_list("community_id", flat=True):
        pagecache.bump(community_id)


def connect():
    post_save.connect(_profile_saved, sender=get_user_model(), dispatch_uid="page-dating-profile")
