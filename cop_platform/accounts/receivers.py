"""Security events from Django's and allauth's signals into the audit trail (cop_platform.audit).

Connected in AccountsConfig.ready(). Each receiver records who, what, from where; never a
password, token or code.
"""

from allauth.account import signals as account_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from cop_platform import audit


@receiver(auth_signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from django.conf import settings

    from .middleware import MFA_SESSION_KEY, has_mfa, needs_mfa

    audit.record("login", user=user, request=request)
    if request is not None and hasattr(request, "session") and settings.MFA_REQUIRED_FOR_PRIVILEGED:
        request.session[MFA_SESSION_KEY] = needs_mfa(user) and not has_mfa(user)


@receiver(auth_signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    typed = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    user = get_user_model().objects.filter(email__iexact=typed).first() if typed else None
    audit.record("login_failed", user=user, request=request, identifier="" if user else typed)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", user=user, request=request)


@receiver(account_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    audit.record("password_reset", user=user, request=request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def _password_changed(sender, request, user, **kwargs):
    audit.record("password_changed", user=user, request=request)


@receiver(account_signals.email_changed)
def _email_changed(sender, request, user, from_email_address=None, to_email_address=None, **kwargs):
    audit.record(
        "email_changed",
        user=user,
        request=request,
        old=getattr(from_email_address, "email", None),
        new=getattr(to_email_address, "email", None),
    )


def connect_mfa():
    """allauth.mfa's signals (only when the app is installed)."""
    from allauth.mfa import signals as mfa_signals

    def added(sender, request, user, authenticator, **kwargs):
        from .middleware import MFA_SESSION_KEY

        audit.record("mfa_added", user=user, request=request, method=authenticator.type)
        if request is not None and hasattr(request, "session"):
            request.session.pop(MFA_SESSION_KEY, None)

    def removed(sender, request, user, authenticator, **kwargs):
        from django.conf import settings

        from .middleware import MFA_SESSION_KEY, has_mfa, needs_mfa

        audit.record("mfa_removed", user=user, request=request, method=authenticator.type)
        if request is not None and hasattr(request, "session") and settings.MFA_REQUIRED_FOR_PRIVILEGED:
            request.session[MFA_SESSION_KEY] = needs_mfa(user) and not has_mfa(user)

    def reset(sender, request, user, authenticator, **kwargs):
        audit.record("mfa_codes_reset", user=user, request=request, method=authenticator.type)

    mfa_signals.authenticator_added.connect(added, weak=False, dispatch_uid="audit-mfa-added")
    mfa_signals.authenticator_removed.connect(removed, weak=False, dispatch_uid="audit-mfa-removed")
    mfa_signals.authenticator_reset.connect(reset, weak=False, dispatch_uid="audit-mfa-reset")
