"""Demo newsletters for `manage.py seed_demo`: last month's issue in the archive, and a draft
for this month waiting for its facilitator. Safe to run twice."""

import datetime

from django.utils import timezone

from .issues import KIND, draft_for, recipients
from .models import Delivery, Issue


def seed(world):
    community = world["communities"]["benefits-realisation"]
    facilitator = world["people"]["priya"]
    if Issue.objects.filter(community=community).exists():
        return world
    now = timezone.now()
    last_month = now - datetime.timedelta(days=30)
    subject, body = draft_for(community, now=last_month, author=facilitator)
    sent = Issue.objects.create(
        community=community,
        author=facilitator,
        subject=subject,
        body=body,
        status=Issue.Status.SENT,
        created_at=last_month,
        updated_at=last_month,
        started_at=last_month,
        finished_at=last_month + datetime.timedelta(minutes=2),
    )
    rows = [
        Delivery(
            recipient_id=uid,
            email=email,
            kind=KIND,
            key=sent.delivery_key,
            status=Delivery.Status.SENT,
            attempts=1,
            created_at=last_month,
            claimed_at=last_month,
            sent_at=last_month,
        )  # fmt: skip
        for uid, email in recipients(community)
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    Issue.objects.filter(pk=sent.pk).update(recipient_count=len(rows))
    subject, body = draft_for(community, now=now, author=facilitator)
    Issue.objects.create(community=community, author=facilitator, subject=subject, body=body)
    return world
