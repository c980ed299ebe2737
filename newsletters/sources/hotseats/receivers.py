"""Hot seat events -> notifications and e-mail, enqueued after the transaction commits."""

from django.dispatch import receiver

from hotseats import signals

from . import emails as tasks


def _pk(user):
    return getattr(user, "pk", None)


@receiver(signals.hotseat_scheduled)
def hotseat_scheduled(sender, hotseat, actor=None, **kwargs):
    tasks.announce_hotseat.delay_on_commit(hotseat.pk, "scheduled", _pk(actor))


@receiver(signals.hotseat_opened)
def hotseat_opened(sender, hotseat, actor=None, **kwargs):
    tasks.announce_hotseat.delay_on_commit(hotseat.pk, "opened", _pk(actor))


@receiver(signals.hotseat_closed)
def hotseat_closed(sender, hotseat, **kwargs):
    tasks.expert_thanked.delay_on_commit(hotseat.pk)


@receiver(signals.question_answered)
def question_answered(sender, question, **kwargs):
    tasks.question_answered.delay_on_commit(question.pk)


@receiver(signals.expert_assigned)
def expert_assigned(sender, hotseat, **kwargs):
    tasks.expert_assigned.delay_on_commit(hotseat.pk)


@receiver(signals.expert_invited)
def expert_invited(sender, hotseat, **kwargs):
    tasks.expert_invited.delay_on_commit(hotseat.pk)


@receiver(signals.follow_up_posted)
def follow_up_posted(sender, follow_up, **kwargs):
    tasks.follow_up_posted.delay_on_commit(follow_up.pk)
