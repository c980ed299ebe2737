from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model, hashers


class AccountAdapter(DefaultAccountAdapter):
    """Builds links in allauth's e-mails from SITE_URL, so they work behind a proxy too."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None:
            return settings.SITE_URL + url.split("://", 1)[-1].split("/", 1)[-1]
        return url

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def pre_authenticate(self, request, **credentials):
        """allauth's failed-login limit: record the lock-out in the audit trail when it bites."""
        from django.core.exceptions import ValidationError

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from cop_platform import audit

            typed = str(credentials.get("email") or credentials.get("username") or "")
            user = get_user_model().objects.filter(email__iexact=typed).first() if typed else None
            audit.record("locked_out", user=user, request=request, identifier="" if user else typed)
            raise

    def send_account_already_exists_mail(self, email):
        """Sign-up with an address that has an account: allauth shows the same page and e-mails the
        owner instead (ACCOUNT_PREVENT_ENUMERATION). A new account costs a password hash, the
        slowest step; do one here too, so the answer takes as long either way."""
        request = getattr(self, "request", None)
        password = request.POST.get("password1", "") if request is not None else ""
        hashers.make_password(password or None)
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails name our site ("Practice Commons"), not the host that served the request."""
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {"current_site": site, "site_url": settings.SITE_URL, **context}
        context["current_site"] = site
        super().send_mail(template_prefix, email, context)
