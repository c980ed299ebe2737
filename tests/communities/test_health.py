"""The admin health page: trend, last facilitator activity, flags and lifecycle actions."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communities import activity, health
from communities.models import Activity, Community, Membership
from newsletters.models import Notification
from tests.factories import CommunityFactory, MembershipFactory, member_of
from tests.utils import words

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def log(community, actor, verb, days_ago):
    Activity.objects.create(
        community=community, actor=actor, verb=verb, summary=verb, created_at=ago(days_ago)
    )


def test_site_health_shows_trend_last_facilitator_activity_and_flags(
    login, staff, community, facilitator, member
):
    orphan = CommunityFactory(name="Orphaned Community")
    MembershipFactory(community=orphan)
    log(orphan, None, "post.created", 90)
    for d in (1, 2, 3, 4):
        log(community, member, "post.created", d)
    for d in (35, 40):
        log(community, member, "post.created", d)
    log(
        community, facilitator, "member.facilitator", 3
    )  # stewardship: facilitator active, not a contribution
    waiting = CommunityFactory(name="Waiting Room", visibility=Community.Visibility.CLOSED)
    member_of(waiting, Membership.Role.FACILITATOR)
    Membership.objects.create(
        user=member, community=waiting, state=Membership.State.PENDING, requested_at=ago(10)
    )

    page = words(login(staff).get(reverse("communities:health")))

    row = page.split("Benefits Realisation", 1)[1].split("Orphaned Community", 1)[0]
    assert "4 (+100% on the 30 days before)" in row
    assert "3 days ago" in row
    assert "Quiet" not in row and "No active facilitator" not in row
    orphan_row = page.split("Orphaned Community", 1)[1].split("Waiting Room", 1)[0]
    assert "Quiet for over 60 days" in orphan_row
    assert "No facilitator" in orphan_row
    assert "Suggested: tell facilitators it may go dormant" in orphan_row
    waiting_row = page.split("Waiting Room", 1)[1]
    assert "1 request waiting over 7 days" in waiting_row
    assert "No active facilitator in 60 days" in waiting_row


def test_facilitators_are_told_before_a_community_can_be_marked_dormant(
    login, staff, community, facilitator, on_commit
):
    client = login(staff)
    url = lambda action: reverse("communities:lifecycle", args=[community.slug, action])  # noqa: E731

    client.post(url("mark_dormant"))
    community.refresh_from_db()
    assert community.status == Community.Status.ACTIVE

    with on_commit:
        client.post(url("warn_dormant"))
    assert Notification.objects.filter(recipient=facilitator, kind="community.dormancy").exists()
    assert any(facilitator.email in m.to for m in mail.outbox)

    client.post(url("mark_dormant"))
    community.refresh_from_db()
    assert community.status == Community.Status.DORMANT

    client.post(url("archive"))
    community.refresh_from_db()
    assert community.status == Community.Status.ARCHIVED
    assert login(facilitator).get(community.get_absolute_url()).status_code == 200  # still readable

    login(staff).post(url("reopen"))
    community.refresh_from_db()
    assert community.status == Community.Status.ACTIVE and community.dormancy_notice_at is None


def test_lifecycle_actions_are_404_for_everyone_but_staff(login, community, facilitator):
    for action in ("warn_dormant", "mark_dormant", "archive", "reopen", "nonsense"):
        url = reverse("communities:lifecycle", args=[community.slug, action])
        assert login(facilitator).post(url).status_code == 404


def test_admins_are_emailed_once_when_the_last_active_facilitator_goes_quiet(staff, community, facilitator):
    from django.test import TestCase

    def on_commit():
        return TestCase.captureOnCommitCallbacks(execute=True)

    log(community, facilitator, "post.created", 70)
    with on_commit():
        assert health.check_facilitators() >= 1
    with on_commit():
        health.check_facilitators()  # the next day's check repeats nothing
    to_staff = [m for m in mail.outbox if staff.email in m.to and "Benefits Realisation" in m.body]
    assert len(to_staff) == 1
    assert "Benefits Realisation has no active facilitator" in to_staff[0].body

    activity.record(community, facilitator, "post.created", "back again")
    mail.outbox.clear()
    with on_commit():
        health.check_facilitators()
    assert not [m for m in mail.outbox if "Benefits Realisation" in m.body]


def test_site_health_is_for_staff_only(login, member):
    assert login(member).get(reverse("communities:health")).status_code == 404


def test_site_health_query_count_does_not_grow(login, staff, django_assert_num_queries):
    client = login(staff)
    CommunityFactory.create_batch(2)
    client.get(reverse("communities:health"))
    # session, user, communities with all their signs (the layout's sidebar and notifications are
    # cached per member)
    with django_assert_num_queries(3):
        client.get(reverse("communities:health"))
    for c in CommunityFactory.create_batch(15):
        for m in MembershipFactory.create_batch(2, community=c):
            log(c, m.user, "post.created", 3)
    client.get(reverse("communities:health"))  # new communities: the sidebar is read again once
    with django_assert_num_queries(3):
        client.get(reverse("communities:health"))
