"""The security audit trail keeps events for AUDIT_RETENTION_DAYS, then the daily purge drops
them; nothing else may change or delete an event."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cop_platform.accounts.models import SecurityEvent
from cop_platform.accounts.tasks import purge_security_events

pytestmark = pytest.mark.django_db


def _event(user, days_ago):
    return SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOGIN,
        user=user,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_the_purge_drops_events_past_the_retention_setting_and_keeps_the_rest(member):
    old, older, recent = _event(member, 31), _event(member, 400), _event(member, 29)
    out = StringIO()
    call_command("purge_security_events", stdout=out)
    assert set(SecurityEvent.objects.values_list("pk", flat=True)) == {recent.pk}
    assert "Purged 2 security events older than 30 days." in out.getvalue()
    assert old.pk and older.pk  # they existed before the purge


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_the_daily_beat_task_purges_and_is_safe_to_run_twice(member):
    _event(member, 45)
    kept = _event(member, 1)
    purge_security_events()
    purge_security_events()
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_days_option_overrides_the_setting(member):
    _event(member, 10)
    call_command("purge_security_events", days=7, stdout=StringIO())
    assert not SecurityEvent.objects.exists()


def test_events_cannot_be_edited_or_deleted_outside_the_purge(member):
    _event(member, 1)
    with pytest.raises(TypeError):
        SecurityEvent.objects.all().update(kind=SecurityEvent.Kind.LOGOUT)
    with pytest.raises(TypeError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.count() == 1
