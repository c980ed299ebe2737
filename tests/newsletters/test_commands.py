import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from newsletters.models import Issue

from .helpers import MONDAY, log


def test_send_digests_by_hand(member, facilitator, community, capsys):
    log(community, "thread.created", "A thread")
    with time_machine.travel(MONDAY, tick=False):
        call_command("send_digests", "--frequency", "weekly")
        call_command("send_digests", "--frequency", "weekly")
    assert "Weekly digest weekly:2026-W48" in capsys.readouterr().out
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, facilitator.email])


def test_send_newsletter_by_hand_once(
    member, facilitator, community, django_capture_on_commit_callbacks, capsys
):
    issue = Issue.objects.create(community=community, author=facilitator, subject="News", body="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_newsletter", str(issue.pk))
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError, match="goes out only once"):
        call_command("send_newsletter", str(issue.pk))
    with pytest.raises(CommandError, match="No newsletter issue"):
        call_command("send_newsletter", "999")


def test_the_fanout_benchmark_sends_each_member_one_message_over_one_connection_per_batch(db):
    import io

    out = io.StringIO()
    call_command("benchmark_fanout", members=120, processes=1, stdout=out)
    report = out.getvalue()
    assert "120 newsletters sent" in report
    assert "SMTP sink: 120 messages received over 3 connections (3 batches of 50" in report
