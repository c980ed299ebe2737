"""Postmark's and Amazon SES's webhooks (via django-anymail) -> the suppression list and replies.

Tracking: a hard bounce, an invalid address or a spam complaint suppresses the address (soft
bounces and deferrals are left to the engine's retries). Inbound: the message goes through
the same `inbound.receive` as `manage.py receive_email`.
"""

from anymail.signals import EventType, inbound, tracking
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop_platform import memberstate

from ..models import Suppression
from . import receive, suppress

HARD = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated"}  # Postmark's bounce types
SES = "Amazon SES"


def _bounce_kind(event, esp_name):
    """The provider's own name for the bounce: Postmark's Type, SES's bounceType."""
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if esp_name == SES:
        return (esp_event.get("bounce") or {}).get("bounceType")
    return esp_event.get("Type")


def _is_hard(kind, esp_name):
    # SES: "Permanent" (no such user, suppressed by SES) is hard; "Transient" and "Undetermined"
    # are left to the engine's retries.
    return kind == "Permanent" if esp_name == SES else kind in HARD


@receiver(tracking)
def bounce_or_complaint(sender, event, esp_name, **kwargs):
    kind = _bounce_kind(event, esp_name)
    detail = f"{esp_name}: {kind or event.event_type} {event.description or ''}".strip()
    source = esp_name.lower().replace(" ", "_")
    if event.event_type == EventType.COMPLAINED:
        suppress(event.recipient, Suppression.Reason.COMPLAINT, source=source, detail=detail)
    elif event.event_type in (EventType.BOUNCED, EventType.REJECTED) and _is_hard(kind, esp_name):
        suppress(event.recipient, Suppression.Reason.BOUNCE, source=source, detail=detail)


@receiver(inbound)
def inbound_message(sender, event, esp_name, **kwargs):
    message = event.message
    receive(message, envelope_recipient=getattr(message, "envelope_recipient", None), source=esp_name.lower())


@receiver(post_save, sender=Suppression)
@receiver(post_delete, sender=Suppression)
def suppression_changed(sender, instance, **kwargs):
    """The owners of the address see the bounce banner appear or go on their next page."""
    owners = get_user_model().objects.filter(email__iexact=instance.email).values_list("pk", flat=True)
    memberstate.changed(*owners)
