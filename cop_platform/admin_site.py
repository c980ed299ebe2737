"""The site's Django admin: the stock one with two doors closed.

- **Log-in through allauth.** The admin's own log-in form has no rate limit and no second factor;
  every way in goes through allauth's (same throttling, same lock-out, same MFA), then comes back.
- **Change lists filter only by what they offer.** A stock change list turns any query parameter
  naming a model field or relation into a lookup (`?community=` on tags), and a value the database
  refuses (`''` for a bigint on PostgreSQL) was a 500. Lookups outside `list_filter`,
  `date_hierarchy` and the related-popup lookups now get Django's "disallowed lookup" (400).
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class StrictLookupsMixin:
    def lookup_allowed(self, lookup, value, request=None):
        if lookup in self.model._meta.related_fkey_lookups:
            return super().lookup_allowed(lookup, value, request)
        first = lookup.split(LOOKUP_SEP)[0]
        offered = {self.date_hierarchy.split(LOOKUP_SEP)[0]} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            name = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(name, str):
                offered.add(name.split(LOOKUP_SEP)[0])
        if first not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)


class SiteAdmin(admin.AdminSite):
    site_header = "Site administration"

    def login(self, request, extra_context=None):
        """Send every admin log-in through allauth's, which brings the user back here."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated and not (request.user.is_active and request.user.is_staff):
            # Signed in but not staff: the stock admin shows its log-in form again; we say no.
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StrictLookupsMixin):
            admin_class = type(admin_class.__name__, (StrictLookupsMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)


class SiteAdminConfig(AdminConfig):
    default_site = "cop_platform.admin_site.SiteAdmin"
