"""The site's URLs plus views that fail on purpose, for the error-page and header tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from cop_platform.urls import urlpatterns as site_urlpatterns


class SecretError(Exception):
    pass


def boom(request):
    raise SecretError("database password is hunter2 at /srv/secret/settings.py")


def forbidden(request):
    raise PermissionDenied("internal reason: role check failed for user 42")


def suspicious(request):
    raise SuspiciousOperation("internal reason: tampered signature abc123")


urlpatterns = [
    path("__boom__/", boom),
    path("__forbidden__/", forbidden),
    path("__suspicious__/", suspicious),
    *site_urlpatterns,
]
