"""Demo recognition for `manage.py seed_demo`: a facilitator's thanks on a reply and on a
profile, then the badge beat run once over the whole demo. Safe to run twice."""

from communities.models import Thanks
from communities.recognition import award_badges, give_thanks

from .models import Post, Thread
from .recognition import thank_post


def seed(world):
    people, communities = world["people"], world["communities"]
    priya, benefits = people["priya"], communities["benefits-realisation"]
    answered = (
        Thread.objects.filter(community=benefits, accepted_post__isnull=False, hidden_at__isnull=True)
        .exclude(accepted_post__author=priya)
        .select_related("accepted_post__author", "community")
        .order_by("created_at")
        .first()
    )
    if (
        answered is not None
        and not Thanks.objects.filter(target_type="forums.post", thanked_by=priya).exists()
    ):
        post = Post.objects.select_related("thread", "author", "community").get(pk=answered.accepted_post_id)
        thank_post(
            priya,
            post,
            "Thank you for writing this up so clearly: I have pointed three new members to it already.",
        )
    chloe = people["chloe"]
    if not Thanks.objects.filter(target_type="accounts.user", target_id=chloe.pk, thanked_by=priya).exists():
        give_thanks(
            priya,
            benefits,
            chloe,
            "For welcoming every newcomer this autumn and curating the benefits library. The community is warmer for it.",
        )
    award_badges()
    return world
