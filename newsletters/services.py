"""Messages to members: in-app notifications and the e-mails that go with them."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import Community, Membership
from cop_platform.emails import build_email
from cop_platform.markdown import render_markdown, stored_html

from . import delivery, mail, sending
from .models import Notification, Preference


def notify(recipient, text, *, url="", kind="notice", community=None, email=False, target=""):
    """Put a notice under the member's bell; with email=True also e-mail it at once, if the
    member has not switched immediate e-mail off for that community.

    `target` ("thread:12", "question:7") names what the notice is about: the sending engine
    re-checks that the member may still see it, and the e-mail carries a reply address for it.
    """
    notification = Notification.objects.create(
        recipient=recipient, text=text[:300], url=url, kind=kind, community=community, target=target
    )
    if email and (community is None or Preference.for_member(recipient, community).immediate):
        from . import tasks  # tasks import this module

        tasks.send_notification_email.delay_on_commit(notification.pk)
    return notification


def send_notification_email(notification_id):
    """E-mail one notification through the engine (kind "notification"); at most once."""
    notification = (
        Notification.objects.select_related("recipient", "community").filter(pk=notification_id).first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    return delivery.send_once(
        recipient,
        "notification",
        f"notification:{notification.pk}",
        lambda: mail.notification_email(notification, recipient),
    )


def send_notification_emails(notification_ids):
    """E-mail a batch of notifications through the sending engine: rows created in bulk,
    eligibility checked for the batch, one SMTP connection; each at most once. Returns how many
    this call sent. Raises the SMTP error when some went back to pending, so the task retries."""
    from .models import Delivery

    notifications = {
        f"notification:{n.pk}": n
        for n in Notification.objects.select_related("recipient", "community").filter(pk__in=notification_ids)
    }
    if not notifications:
        return 0
    Delivery.objects.bulk_create(
        [
            Delivery(recipient=n.recipient, email=n.recipient.email, kind="notification", key=key)
            for key, n in notifications.items()
        ],
        ignore_conflicts=True,
    )
    rows = list(
        Delivery.objects.filter(
            kind="notification", key__in=list(notifications), status=Delivery.Status.PENDING
        )
        .select_related("recipient")
        .order_by("pk")
    )
    result = sending.send_batch(
        "notification", rows, lambda row: mail.notification_email(notifications[row.key], row.recipient)
    )
    if result.retry:
        raise result.error
    return result.sent


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- welcome ------------------------------------------------------------------------------


def welcome_signer(membership):
    """The facilitator who signs a welcome: whoever approved it, else the longest-serving one."""
    if membership.decided_by_id and membership.decided_by_id != membership.user_id:
        return membership.decided_by
    facilitator = (
        Membership.objects.facilitators()
        .filter(community_id=membership.community_id)
        .exclude(user_id=membership.user_id)
        .select_related("user")
        .order_by("joined_at", "pk")
        .first()
    )
    return facilitator.user if facilitator else None


def fill_welcome(template, *, name, community, facilitator):
    # Plain placeholders rather than the Django template language: facilitators edit this
    # text, and a template engine would hand them tags and variable lookups.
    text = template
    for placeholder, value in (("{name}", name), ("{community}", community), ("{facilitator}", facilitator)):
        text = text.replace(placeholder, value)
    return text


def send_welcome(membership_id):
    """E-mail the member their community's welcome; a second call for the same member sends nothing."""
    membership = (
        Membership.objects.select_related("user", "community", "decided_by").filter(pk=membership_id).first()
    )
    if membership is None or not membership.is_active:
        return False
    member, community = membership.user, membership.community
    signer = welcome_signer(membership)
    if signer is None:  # the member founded the community; nobody to welcome them
        return False

    def build():
        body = fill_welcome(
            community.welcome_message, name=member.name, community=community.name, facilitator=signer.name
        )
        return build_email(
            "welcome",
            {
                "member": member,
                "community": community,
                "signer": signer,
                "body_text": body,
                "body_html": stored_html(render_markdown(body)),
                "community_url": community.get_absolute_url(),
            },
            to=member.email,
            reply_to=[signer.email],
        )

    return delivery.send_once(member, "welcome", f"community:{community.pk}", build)


# --- decisions ----------------------------------------------------------------------------


def tell_requester(membership_id, approved):
    membership = Membership.objects.select_related("user", "community").get(pk=membership_id)
    community = membership.community
    if approved:
        notify(
            membership.user, f"Your request to join {community.name} was approved. Welcome!",
            url=community.get_absolute_url(), kind="membership.approved", community=community,
        )  # fmt: skip
        return
    text = f"Your request to join {community.name} was declined."
    if membership.decision_reason:
        text += f" The facilitator wrote: “{membership.decision_reason}”"
    notify(membership.user, text, url=reverse("communities:directory"), kind="membership.declined")

    def build():
        return build_email(
            "membership_declined",
            {"member": membership.user, "community": community, "reason": membership.decision_reason},
            to=membership.user.email,
        )

    delivery.send_once(
        membership.user,
        "membership_declined",
        f"membership:{membership.pk}:{membership.decided_at:%s}",
        build,
    )


def tell_facilitators_of_request(membership_id):
    membership = Membership.objects.select_related("user", "community").get(pk=membership_id)
    community = membership.community
    url = reverse("communities:requests", args=[community.slug])
    facilitators = (
        Membership.objects.facilitators().filter(community=community).values_list("user_id", flat=True)
    )
    Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            community=community,
            kind="membership.requested",
            url=url,
            text=f"{membership.user.name} asked to join {community.name}",
        )  # fmt: skip
        for user_id in facilitators
    )


def tell_proposer(community_id, approved):
    community = Community.objects.select_related("proposed_by").get(pk=community_id)
    proposer = community.proposed_by
    if proposer is None:
        return
    if approved:
        text = f"“{community.name}” was approved. You are its first facilitator: time to invite people!"
    else:
        text = f"“{community.name}” was not approved: {community.decision_reason}"
    # "Time to invite people" leads to the invitations page.
    url = (
        reverse("communities:invitations", args=[community.slug])
        if approved
        else community.get_absolute_url()
    )
    notify(proposer, text, url=url, kind="community.decided", community=community)

    def build():
        return build_email(
            "community_decided",
            {"proposer": proposer, "community": community, "approved": approved},
            to=proposer.email,
        )

    delivery.send_once(proposer, "community_decided", f"community:{community.pk}", build)


def tell_staff_of_proposal(community_id):
    community = Community.objects.get(pk=community_id)
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).values_list("pk", flat=True)
    Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind="community.proposed",
            url=reverse("communities:review"),
            text=f"New community proposed: {community.name}",
        )  # fmt: skip
        for pk in staff
    )
