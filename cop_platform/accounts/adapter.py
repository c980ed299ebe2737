from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Builds links in allauth's e-mails from SITE_URL, so they work behind a proxy too."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None:
            return settings.SITE_URL + url.split("://", 1)[-1].split("/", 1)[-1]
        return url

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", True)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails name our site ("Practice Commons"), not the host that served the request."""
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {"current_site": site, "site_url": settings.SITE_URL, **context}
        context["current_site"] = site
        super().send_mail(template_prefix, email, context)
