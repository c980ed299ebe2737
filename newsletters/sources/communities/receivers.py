"""Turn events from the content apps into tasks, after the transaction commits."""

from django.dispatch import receiver

from communities import signals

from . import tasks


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
