"""Telling members about recognition (communities.recognition): badges the beat awarded, and a
facilitator's public thanks. Connected in NewslettersConfig.ready()."""

from django.dispatch import receiver
from django.urls import reverse

from communities import signals
from communities.models import Badge, Thanks

from ... import tasks
from ...models import Notification
from ...services import notify


@receiver(signals.badges_awarded)
def on_badges_awarded(sender, badge_ids, **kwargs):
    tasks.tell_of_badges.delay_on_commit(badge_ids)


@receiver(signals.thanks_given)
def on_thanks_given(sender, thanks, **kwargs):
    tasks.tell_of_thanks.delay_on_commit(thanks.pk)


def tell_of_badges(badge_ids):
    """One notification per new badge, to its owner: two queries whatever the number."""
    badges = list(Badge.objects.filter(pk__in=badge_ids).select_related("community"))
    url = reverse("badges")
    Notification.objects.bulk_create(
        Notification(
            recipient_id=b.user_id,
            community=b.community,
            kind="badge",
            text=f"You earned a badge in {b.community.name}: {b.get_kind_display()}.",
            url=url,
        )
        for b in badges
    )
    return len(badges)


def tell_of_thanks(thanks_id):
    """Notify (and e-mail, if they want immediate e-mail) the member a facilitator thanked."""
    thanks = Thanks.objects.select_related("user", "thanked_by", "community").filter(pk=thanks_id).first()
    if thanks is None or not thanks.user.is_active:
        return None
    who = thanks.thanked_by.name if thanks.thanked_by else "A facilitator"
    return notify(
        thanks.user,
        f"{who} thanked you in {thanks.community.name}: “{thanks.message}”",
        url=thanks.url,
        kind="thanks",
        community=thanks.community,
        email=True,
    )
