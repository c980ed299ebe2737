"""The expert's daily e-mail of new questions while the hot seat is open."""

import datetime

import pytest
import time_machine
from django.core import mail

from hotseats.models import HotSeat
from newsletters.models import Delivery
from newsletters.sources.hotseats.emails import send_expert_daily_emails

from .conftest import ask, make_hotseat

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DAY1 = datetime.datetime(2030, 1, 14, 9, 0, tzinfo=UTC)  # 09:00 in London (GMT)


@pytest.fixture
def hotseat(community, expert):
    return make_hotseat(
        community,
        expert,
        opens_at=DAY1 - datetime.timedelta(days=1),
        closes_at=DAY1 + datetime.timedelta(days=4),
    )


def test_expert_gets_new_questions_once_a_day(hotseat, member, core_member, expert):
    with time_machine.travel(DAY1 - datetime.timedelta(hours=2)):
        ask(hotseat, member, body="First question")
        ask(hotseat, core_member, body="Second question")
    with time_machine.travel(DAY1):
        assert send_expert_daily_emails() == 1
        assert send_expert_daily_emails() == 0  # the beat runs every 15 minutes: one e-mail a day
    (message,) = mail.outbox
    assert message.to == [expert.email]
    assert message.subject == "2 new questions for you in the hot seat “Benefits after go-live”"
    assert "First question" in message.body and "Second question" in message.body
    assert "First question" in message.alternatives[0][0]
    assert Delivery.objects.get().key == f"hotseat:{hotseat.pk}:2030-01-14"

    with time_machine.travel(DAY1 + datetime.timedelta(hours=3)):
        ask(hotseat, member, body="Third question")
    with time_machine.travel(DAY1 + datetime.timedelta(days=1)):
        assert send_expert_daily_emails() == 1
    assert "Third question" in mail.outbox[1].body
    assert "First question" not in mail.outbox[1].body  # only what is new since the last e-mail


def test_nothing_is_sent_before_eight_in_the_experts_zone_or_when_nothing_is_new(hotseat, member, expert):
    with time_machine.travel(DAY1 - datetime.timedelta(hours=3)):  # 06:00 in London
        ask(hotseat, member)
        assert send_expert_daily_emails() == 0
    HotSeat.objects.filter(pk=hotseat.pk).update(expert_emailed_at=DAY1)
    with time_machine.travel(DAY1 + datetime.timedelta(days=1)):
        assert send_expert_daily_emails() == 0
    assert mail.outbox == []


def test_no_daily_email_once_closed(hotseat, member):
    ask(hotseat, member)
    with time_machine.travel(hotseat.closes_at + datetime.timedelta(hours=10)):
        assert send_expert_daily_emails() == 0
