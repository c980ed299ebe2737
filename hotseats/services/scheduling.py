"""The hot seat itself: its expert (invitation, claiming it), scheduling, opening and closing.

Each function checks the policy, owns its transaction and raises HotSeatError with a message fit to
show the person who asked. Opening and closing on time is `advance_due()`, run by the beat
task; it claims each transition with a conditional UPDATE, so running it twice is harmless.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from communities import activity
from communities.policy import (
    access_for,
)
from cop_platform.refusals import Refused

from .. import signals
from ..models import HotSeat

DEFAULT_LENGTH = datetime.timedelta(days=5)
Status = HotSeat.Status


class HotSeatError(Refused):
    """A change was refused; str(error) is a message for the person who asked."""


def _when(dt):
    local = timezone.localtime(dt)
    return f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"


def _require_runner(actor, community):
    access = access_for(actor, community)
    if not access.can_run_hotseat:
        raise HotSeatError("Only this community's facilitators can run hot seats.")
    return access


def _lock(hotseat):
    return HotSeat.objects.select_for_update().select_related("community").get(pk=hotseat.pk)


def _check_times(opens_at, closes_at):
    if closes_at <= opens_at:
        raise HotSeatError("The closing time must be after the opening time.")


# --- the expert ---------------------------------------------------------------------------


def _account_for_email(email):
    """The account that owns `email` (its login address or a verified extra address), if any."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        user = address.user if address else None
    return user


def _set_expert(hotseat, email, name):
    """Point the hot seat at the account for `email`, or leave it waiting for the invitee."""
    email = email.strip().lower()
    changed = email != (hotseat.expert_email or "").lower()
    hotseat.expert_email = email
    hotseat.expert_name = name.strip()
    if changed:
        hotseat.expert = _account_for_email(email)
        hotseat.invite_sent_at = None
    return changed


def _announce_expert(hotseat):
    if hotseat.status == Status.DRAFT:
        return  # told once the hot seat is scheduled
    if hotseat.expert_id:
        signals.expert_assigned.send(sender=HotSeat, hotseat=hotseat)
    else:
        signals.expert_invited.send(sender=HotSeat, hotseat=hotseat)


def claim_invitations(user):
    """Make `user` the expert of every hot seat waiting for one of their verified addresses.

    Called when someone signs in or confirms an address; returns the hot seats claimed.
    """
    # Only verified addresses: whoever controls the inbox the invitation went to is the expert.
    # One query on every sign-in; expert_email is stored lower-cased.
    verified = (
        EmailAddress.objects.filter(user=user, verified=True).annotate(low=Lower("email")).values("low")
    )
    waiting = list(
        HotSeat.objects.filter(expert__isnull=True, expert_email__in=verified).select_related("community")
    )
    claimed = []
    for hotseat in waiting:
        if HotSeat.objects.filter(pk=hotseat.pk, expert__isnull=True).update(expert=user):
            hotseat.expert = user
            claimed.append(hotseat)
            _announce_expert(hotseat)
    return claimed


def accept_invitation(user, hotseat, token):
    """The invitee followed the link in their invitation while signed in."""
    if token != hotseat.invite_token:
        raise HotSeatError(
            "This invitation link is not valid any more. Please ask the facilitator for a new one."
        )
    if hotseat.expert_id == user.pk:
        return hotseat
    if hotseat.expert_id is not None:
        raise HotSeatError("This invitation has already been accepted by someone else.")
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=hotseat.expert_email, verified=True
    ).exists()
    if not verified:
        raise HotSeatError(
            f"This invitation was sent to {hotseat.expert_email}. Please sign in with that address "
            "(or add and confirm it under E-mail addresses) to accept it."
        )
    HotSeat.objects.filter(pk=hotseat.pk, expert__isnull=True).update(expert=user)
    hotseat.refresh_from_db()
    return hotseat


# --- scheduling ---------------------------------------------------------------------------


@transaction.atomic
def create_hotseat(
    actor, community, *, title, topic, expert_email, expert_name, opens_at, closes_at=None,
    description="", expert_bio="", theme=None, tags=(), schedule=False,
):  # fmt: skip
    """Create a hot seat as a draft (or scheduled at once with schedule=True)."""
    _require_runner(actor, community)
    closes_at = closes_at or opens_at + DEFAULT_LENGTH
    _check_times(opens_at, closes_at)
    if theme is not None and theme.community_id != community.pk:
        raise HotSeatError("That theme belongs to another community.")
    hotseat = HotSeat(
        community=community, title=title.strip(), topic=topic.strip(), description=description,
        expert_bio=expert_bio.strip(), theme=theme, opens_at=opens_at, closes_at=closes_at, created_by=actor,
    )  # fmt: skip
    _set_expert(hotseat, expert_email, expert_name)
    hotseat.save()
    if tags:
        hotseat.tags.set(list(tags))
    if schedule:
        hotseat = schedule_hotseat(actor, hotseat)
    return hotseat


@transaction.atomic
def update_hotseat(actor, hotseat, **fields):
    """Change a hot seat's details. The expert can change until it closes; times while scheduled."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    state = hotseat.state
    if state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed; its transcript can no longer be changed here.")
    opens_at = fields.pop("opens_at", hotseat.opens_at)
    closes_at = fields.pop("closes_at", None) or hotseat.closes_at
    if state == Status.OPEN and opens_at != hotseat.opens_at:
        raise HotSeatError("This hot seat is already open: use “Extend” or “Close now” to change its times.")
    _check_times(opens_at, closes_at)
    theme = fields.get("theme")
    if theme is not None and theme.community_id != hotseat.community_id:
        raise HotSeatError("That theme belongs to another community.")
    expert_email = fields.pop("expert_email", hotseat.expert_email)
    expert_name = fields.pop("expert_name", hotseat.expert_name)
    expert_changed = _set_expert(hotseat, expert_email, expert_name)
    if "tags" in fields:
        hotseat.tags.set(list(fields.pop("tags") or []))
    for name, value in fields.items():
        setattr(hotseat, name, value)
    hotseat.opens_at, hotseat.closes_at = opens_at, closes_at
    hotseat.save()
    if expert_changed:
        _announce_expert(hotseat)
    return hotseat


@transaction.atomic
def schedule_hotseat(actor, hotseat):
    """Publish a draft: members can see it and ask in advance, and are told it is coming."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.status != Status.DRAFT:
        raise HotSeatError("This hot seat is already scheduled.")
    now = timezone.now()
    if hotseat.closes_at <= now:
        raise HotSeatError("The closing time is in the past. Please choose new times first.")
    hotseat.status = Status.SCHEDULED
    hotseat.save(update_fields=["status"])
    activity.record(
        hotseat.community, actor, "hotseat.scheduled",
        f"Hot seat scheduled: {hotseat.title} with {hotseat.expert_display_name}",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_scheduled.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    _announce_expert(hotseat)
    if hotseat.opens_at <= now:
        _mark_opened(hotseat, actor)
    return hotseat


def _mark_opened(hotseat, actor=None):
    """Move scheduled -> open once; returns True if this call did it."""
    won = HotSeat.objects.filter(pk=hotseat.pk, status=Status.SCHEDULED).update(status=Status.OPEN)
    if not won:
        return False
    hotseat.status = Status.OPEN
    activity.record(
        hotseat.community, actor, "hotseat.opened",
        f"Hot seat open: put your questions to {hotseat.expert_display_name} ({hotseat.title})",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_opened.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    return True


def _mark_closed(hotseat, actor=None):
    won = (
        HotSeat.objects.filter(pk=hotseat.pk, status__in=[Status.SCHEDULED, Status.OPEN])
        .update(status=Status.CLOSED)
    )  # fmt: skip
    if not won:
        return False
    hotseat.status = Status.CLOSED
    activity.record(
        hotseat.community, actor, "hotseat.closed",
        f"Hot seat closed: the transcript of {hotseat.title} is ready",
        url=hotseat.get_absolute_url(), target=hotseat,
    )  # fmt: skip
    signals.hotseat_closed.send(sender=HotSeat, hotseat=hotseat, actor=actor)
    return True


@transaction.atomic
def open_early(actor, hotseat):
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    state = hotseat.state
    if state == Status.DRAFT:
        raise HotSeatError("Schedule the hot seat before opening it.")
    if state == Status.OPEN:
        raise HotSeatError("This hot seat is already open.")
    if state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed.")
    hotseat.opens_at = timezone.now()
    hotseat.save(update_fields=["opens_at"])
    _mark_opened(hotseat, actor)
    return hotseat


@transaction.atomic
def close_early(actor, hotseat):
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.state == Status.DRAFT:
        raise HotSeatError("This hot seat is still a draft; there is nothing to close.")
    if hotseat.status == Status.CLOSED:
        raise HotSeatError("This hot seat has already closed.")
    if hotseat.state != Status.OPEN:
        raise HotSeatError("This hot seat has not opened yet; edit its times instead of closing it.")
    now = timezone.now()
    if hotseat.closes_at > now:
        hotseat.closes_at = now
        if hotseat.opens_at > now:
            hotseat.opens_at = now - datetime.timedelta(microseconds=1)
        hotseat.save(update_fields=["opens_at", "closes_at"])
    _mark_closed(hotseat, actor)
    return hotseat


@transaction.atomic
def resend_invitation(actor, hotseat):
    """Send the expert's invitation again (they lost it, or it went to spam).

    Releases the once-only claim on the invitation e-mail and announces it again; refused once
    the expert has an account linked (then they simply sign in).
    """
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.status == Status.DRAFT:
        raise HotSeatError("Schedule the hot seat first: the invitation goes out when it is scheduled.")
    if hotseat.expert_id:
        raise HotSeatError(
            f"{hotseat.expert_display_name} already has an account: they only need to sign in."
        )
    if hotseat.state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed.")
    HotSeat.objects.filter(pk=hotseat.pk).update(invite_sent_at=None)
    signals.expert_invited.send(sender=HotSeat, hotseat=hotseat)
    return hotseat


def extend(actor, hotseat, closes_at):
    """Move the closing time later (while the hot seat has not closed)."""
    _require_runner(actor, hotseat.community)
    hotseat = _lock(hotseat)
    if hotseat.state == Status.CLOSED:
        raise HotSeatError("This hot seat has closed and cannot be extended.")
    if hotseat.state != Status.OPEN:
        raise HotSeatError(
            "Only an open hot seat can be extended; change a scheduled one's times with “Edit details”."
        )
    if closes_at <= hotseat.closes_at:
        raise HotSeatError(
            f"The new closing time must be later than the current one ({_when(hotseat.closes_at)})."
        )
    hotseat.closes_at = closes_at
    hotseat.save(update_fields=["closes_at"])
    return hotseat


def advance_due(now=None):
    """Open and close hot seats whose time has come; safe to run any number of times.

    Returns (opened, closed) counts. Each transition is claimed with a conditional UPDATE, so
    two overlapping runs tell people once.
    """
    now = now or timezone.now()
    opened = closed = 0
    to_close = HotSeat.objects.filter(status__in=[Status.SCHEDULED, Status.OPEN], closes_at__lte=now)
    for hotseat in to_close.select_related("community"):
        with transaction.atomic():
            closed += _mark_closed(hotseat)
    to_open = HotSeat.objects.filter(status=Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now)
    for hotseat in to_open.select_related("community"):
        with transaction.atomic():
            opened += _mark_opened(hotseat)
    return opened, closed
