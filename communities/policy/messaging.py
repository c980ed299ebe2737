"""Private messages: who may write to whom, and who reads reported conversations."""

from django.db.models import Q

from ..models import Block, Community, Membership, MessagingSettings

# --- private messages -----------------------------------------------------------------------


def message_refusals(sender, recipients):
    """{recipient pk: reason} for each recipient `sender` may not start a conversation with.

    A member chooses who may write to them (members of their communities, facilitators of their
    communities only, or nobody); a facilitator may write to the active members of a live
    community they facilitate, unless the member chose "nobody"; a block either way refuses.
    The reasons never name a community, so a refusal reveals nothing about closed ones.
    Four queries whatever the number of recipients.
    """
    ids = [r.pk for r in recipients]
    refusals = {}
    for recipient in recipients:
        if recipient.pk == sender.pk:
            refusals[recipient.pk] = "You cannot start a conversation with yourself."
        elif not recipient.is_active:
            refusals[recipient.pk] = f"{recipient.name} no longer has an account here."
    chosen = dict(MessagingSettings.objects.filter(user_id__in=ids).values_list("user_id", "who_may_write"))
    blocks = Block.objects.filter(
        Q(blocker=sender, blocked_id__in=ids) | Q(blocker_id__in=ids, blocked=sender)
    )
    blocked = {b if a == sender.pk else a for a, b in blocks.values_list("blocker_id", "blocked_id")}
    mine = dict(
        Membership.objects.active()
        .filter(user=sender, community__status__in=Community.LIVE_STATUSES)
        .values_list("community_id", "role")
    )
    shared = (
        Membership.objects.active()
        .filter(user_id__in=ids, community_id__in=list(mine))
        .values_list("user_id", "community_id")
    )
    shares, facilitates = set(), set()
    for user_id, community_id in shared:
        shares.add(user_id)
        if mine[community_id] == Membership.Role.FACILITATOR:
            facilitates.add(user_id)
    for recipient in recipients:
        if recipient.pk in refusals:
            continue
        setting = chosen.get(recipient.pk, "members")
        if recipient.pk in blocked:
            allowed = False
        elif setting == "nobody":
            allowed = False
        elif recipient.pk in facilitates:
            allowed = True
        else:
            allowed = setting == "members" and recipient.pk in shares
        if not allowed:
            refusals[recipient.pk] = f"{recipient.name} does not accept private messages from you."
    return refusals


def may_write_to(sender, recipient):
    return sender.is_authenticated and not message_refusals(sender, [recipient])


def facilitated_community(sender, recipient):
    """A live community `sender` facilitates and `recipient` is an active member of, or None (one query)."""
    return (
        Community.objects.filter(status__in=Community.LIVE_STATUSES)
        .filter(memberships__user=sender, memberships__state=Membership.State.ACTIVE,
                memberships__role=Membership.Role.FACILITATOR)
        .filter(pk__in=Membership.objects.active().filter(user=recipient).values("community_id"))
        .order_by("name")
        .first()
    )  # fmt: skip


def can_read_reports(user):
    """Reports of private conversations go to staff, who read the reported conversation."""
    return user.is_authenticated and user.is_staff


class ConversationAudience:
    """Who may read a private conversation: its current participants, nobody else.

    It is not a community audience (a conversation belongs to no community), so it answers
    `readers()` only: `readers_of(conversation)` (and with it the sending engine's "content
    hidden" check before each e-mail) works the same as for community content.
    """

    def __init__(self, conversation):
        self.conversation = conversation

    def readers(self):
        from django.contrib.auth import get_user_model

        from ..models import Participant

        current = Participant.objects.current().filter(conversation=self.conversation).values("user_id")
        return get_user_model().objects.filter(is_active=True, pk__in=current)

    def admits(self, access):
        return False  # no community page ever shows a conversation


def register_conversation_audience():
    from ..models import Conversation
    from .readers import register

    register(Conversation, ConversationAudience)
