"""Postmark's webhooks (via django-anymail) -> the suppression list and replies by e-mail.

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

HARD = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated"}


@receiver(tracking)
def bounce_or_complaint(sender, event, esp_name, **kwargs):
    kind = (event.esp_event or {}).get("Type") if isinstance(event.esp_event, dict) else None
    detail = f"{esp_name}: {kind or event.event_type} {event.description or ''}".strip()
    if event.event_type == EventType.COMPLAINED:
        suppress(event.recipient, Suppression.Reason.COMPLAINT, source=esp_name.lower(), detail=detail)
    elif event.event_type in (EventType.BOUNCED, EventType.REJECTED) and kind in HARD:
        suppress(event.recipient, Suppression.Reason.BOUNCE, source=esp_name.lower(), detail=detail)


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
