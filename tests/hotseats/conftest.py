import datetime

import pytest
from django.utils import timezone

from hotseats.models import HotSeat, Question
from tests.factories import UserFactory


@pytest.fixture
def expert(db):
    """An invited expert with an account and no membership anywhere."""
    return UserFactory(display_name="Erin Expert", email="erin@experts.example", timezone="Europe/London")


def make_hotseat(community, expert=None, state="open", **fields):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    opens, closes, status = {
        "draft": (now + 2 * day, now + 7 * day, HotSeat.Status.DRAFT),
        "scheduled": (now + 2 * day, now + 7 * day, HotSeat.Status.SCHEDULED),
        "open": (now - day, now + 4 * day, HotSeat.Status.OPEN),
        "closed": (now - 10 * day, now - 5 * day, HotSeat.Status.CLOSED),
    }[state]
    defaults = {
        "title": "Benefits after go-live",
        "topic": "Keeping benefits alive once the project team has gone",
        "expert": expert,
        "expert_email": expert.email if expert else "new.expert@example.org",
        "expert_name": expert.name if expert else "Nadia New",
        "opens_at": opens,
        "closes_at": closes,
        "status": status,
    }
    defaults.update(fields)
    return HotSeat.objects.create(community=community, **defaults)


def ask(hotseat, author, body="How do you keep benefit owners engaged after handover?", **fields):
    return Question.objects.create(hotseat=hotseat, author=author, body=body, **fields)
