"""The security audit trail: `record(kind, user=..., request=..., actor=..., **detail)`.

Events go to the append-only `accounts.SecurityEvent` table (read-only in the admin, purged after
AUDIT_RETENTION_DAYS by `manage.py purge_security_events`). Sign-ins, failures, lock-outs,
password and e-mail changes and MFA changes are recorded from allauth's and Django's signals
(cop_platform/accounts/receivers.py); role changes, bans, suspensions, data exports and
unsubscribes call `record` from their services. Never pass a token, password or code.
"""

import logging

log = logging.getLogger("cop_platform.audit")


def client_ip(request):
    """The client's address: REMOTE_ADDR, which the proxy in front sets (see docs)."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def record(kind, *, user=None, request=None, actor=None, identifier="", **detail):
    from cop_platform.accounts.models import SecurityEvent

    if user is not None and not getattr(user, "pk", None):
        user = None
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        identifier=(identifier or "")[:254],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
        detail={key: value for key, value in detail.items() if value is not None},
    )
    log.debug("security event %s user=%s actor=%s", kind, event.user_id, event.actor_id)
    return event
