"""What communities tell whom: memberships, proposals, lifecycle, and the facilitator's craft
(private messages, path stages, invitations). Each receiver only enqueues a task on commit."""

from django.dispatch import receiver

from communities import signals

from ... import tasks


@receiver(signals.membership_activated)
def welcome_new_member(sender, membership, welcomed_by, **kwargs):
    tasks.send_welcome.delay_on_commit(membership.pk)


@receiver(signals.membership_decided)
def tell_requester(sender, membership, approved, **kwargs):
    tasks.tell_requester.delay_on_commit(membership.pk, approved)


@receiver(signals.membership_requested)
def tell_facilitators(sender, membership, **kwargs):
    tasks.tell_facilitators_of_request.delay_on_commit(membership.pk)


@receiver(signals.community_decided)
def tell_proposer(sender, community, approved, **kwargs):
    tasks.tell_proposer.delay_on_commit(community.pk, approved)


@receiver(signals.community_proposed)
def tell_staff(sender, community, **kwargs):
    tasks.tell_staff_of_proposal.delay_on_commit(community.pk)


@receiver(signals.dormancy_warned)
def tell_facilitators_of_dormancy(sender, community, **kwargs):
    tasks.tell_facilitators_of_dormancy.delay_on_commit(community.pk)


@receiver(signals.facilitator_lost)
def tell_admins_facilitator_lost(sender, community, last_seen, **kwargs):
    episode = last_seen.date().isoformat() if last_seen else "never"
    tasks.tell_admins_facilitator_lost.delay_on_commit(community.pk, episode)


# --- the facilitator's craft: private messages, path stages and invitations become e-mail ----


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
