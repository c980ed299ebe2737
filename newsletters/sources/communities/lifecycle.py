"""Telling people about a community's lifecycle (communities.health): facilitators before it is
marked dormant, admins when it has lost its last active facilitator."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import Community, Membership
from cop_platform.emails import build_email

from ... import delivery
from ...models import Delivery, Notification
from ...services import notify


def tell_facilitators_of_dormancy(community_id):
    """Notify and e-mail each facilitator; one notification per warning."""
    community = Community.objects.get(pk=community_id)
    facilitators = Membership.objects.facilitators().filter(community=community).select_related("user")
    for membership in facilitators:
        notify(
            membership.user,
            f"{community.name} has been quiet for a while: an admin may mark it dormant. "
            "A post, a question or a hot seat keeps it active; reply to the admins if it should stay open.",
            url=community.get_absolute_url(),
            kind="community.dormancy",
            community=community,
            email=True,
        )


def tell_admins_facilitator_lost(community_id, episode):
    """E-mail every staff member once per (community, episode): `episode` names the day the
    facilitators were last seen ("never" if they never were), so a daily check repeats nothing."""
    community = Community.objects.get(pk=community_id)
    key = f"facilitator-lost:{community.pk}:{episode}"
    text = f"{community.name} has no active facilitator: nobody has looked after it recently."
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    already = set(
        Delivery.objects.filter(kind="facilitator_lost", key=key).values_list("recipient_id", flat=True)
    )
    for admin in staff:
        if admin.pk in already:
            continue
        notification = Notification.objects.create(
            recipient=admin, text=text, url=reverse("communities:health"), kind="community.facilitator_lost"
        )

        def build(notification=notification, admin=admin):
            context = {"notification": notification, "recipient": admin, "community": None}
            return build_email("notification", context, to=admin.email, list_id="notifications")

        delivery.send_once(admin, "facilitator_lost", key, build)
