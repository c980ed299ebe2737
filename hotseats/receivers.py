"""Link invited experts to their hot seats when they sign in (any way) or confirm an address."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in)
def claim_on_sign_in(sender, user, **kwargs):
    services.claim_invitations(user)


@receiver(email_confirmed)
def claim_on_confirmation(sender, request, email_address, **kwargs):
    services.claim_invitations(email_address.user)
