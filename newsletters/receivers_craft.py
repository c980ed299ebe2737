"""The facilitator's craft: private messages, path stages and invitations become e-mail."""

from django.dispatch import receiver

from communities import signals

from . import tasks


@receiver(signals.message_sent)
def email_message(sender, message, recipient_ids, **kwargs):
    if recipient_ids:
        tasks.send_message_emails.delay_on_commit(message.pk, list(recipient_ids))


@receiver(signals.stage_changed)
def tell_of_stage(sender, membership, moved_by, note, stage_name, **kwargs):
    tasks.tell_of_stage.delay_on_commit(membership.pk, moved_by.pk, note, stage_name)


@receiver(signals.invitation_sent)
def send_invitation(sender, invitation, number, **kwargs):
    tasks.send_invitations.delay_on_commit([invitation.pk], number)


@receiver(signals.invitations_sent)
def send_invitations(sender, invitations, number, **kwargs):
    tasks.send_invitations.delay_on_commit([invitation.pk for invitation in invitations], number)
