import zoneinfo

from django.utils import timezone


class UserTimezoneMiddleware:
    """Show every time in the signed-in member's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.timezone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


MFA_SESSION_KEY = "mfa_setup_required"


def needs_mfa(user):
    """Staff, and facilitators of closed communities, must use two-factor authentication."""
    from communities.models import Community, Membership

    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user,
        state=Membership.State.ACTIVE,
        role=Membership.Role.FACILITATOR,
        community__visibility=Community.Visibility.CLOSED,
    ).exists()


def has_mfa(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class RequireMFAMiddleware:
    """Send staff and facilitators of closed communities to set up two-factor authentication.

    Decided once per sign-in (cop_platform.accounts.receivers stores the answer in the session),
    so ordinary requests cost no query. Until they set it up, every page except the account pages
    (where the set-up and sign-out live) redirects to the authenticator-app set-up.
    Switched by MFA_REQUIRED_FOR_PRIVILEGED (on by default; the test suite turns it off except in
    its own tests).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/email/unsubscribe/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.shortcuts import redirect

        if (
            settings.MFA_REQUIRED_FOR_PRIVILEGED
            and request.user.is_authenticated
            and request.session.get(MFA_SESSION_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
