"""Bounces, complaints and replies by e-mail: Postmark's webhooks and `manage.py receive_email`."""

import base64
import io
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from forums import services as forum_services
from forums.models import Post
from newsletters import fanout, sending
from newsletters.inbound import addresses
from newsletters.models import Delivery, Issue, Suppression
from newsletters.services import notify

from ..utils import text

SAMPLES = Path(__file__).parent / "mail_samples"
SECRET = "postmark:s3cret-webhook-password"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    settings.REPLY_EMAIL_DOMAIN = "cop.example.org"


def postmark(client, hook, payload, secret=SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        f"/anymail/postmark/{hook}/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def bounce_payload(email, kind="HardBounce"):
    # Postmark's documented bounce webhook sample, trimmed.
    return {
        "RecordType": "Bounce", "ID": 4323372036854775807, "Type": kind, "TypeCode": 1,
        "Name": "Hard bounce", "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email, "From": "community@cop.example.org", "BouncedAt": "2026-11-30T16:33:54.9070259Z",
        "Inactive": True, "CanActivate": True, "Subject": "November", "MessageStream": "outbound",
    }  # fmt: skip


def receive(raw, recipient=None):
    out = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(raw if isinstance(raw, bytes) else raw.encode()))
    import sys

    real, sys.stdin = sys.stdin, stdin
    try:
        args = ["--recipient", recipient] if recipient else []
        call_command("receive_email", *args, stdout=out)
    finally:
        sys.stdin = real
    return out.getvalue().strip()


# --- bounces and complaints ---------------------------------------------------------------------


def test_a_signed_hard_bounce_suppresses_the_address_and_the_next_newsletter_skips_it(
    client, community, facilitator, member
):
    response = postmark(client, "tracking", bounce_payload(member.email.upper()))
    assert response.status_code == 200
    row = Suppression.objects.get()
    assert (row.email, row.reason, row.source) == (member.email.lower(), "bounce", "postmark")

    issue = Issue.objects.create(community=community, author=facilitator, subject="News", body="Hi")
    Issue.objects.filter(pk=issue.pk).update(status="sending")
    issue.refresh_from_db()
    sending.reserve_many(
        "newsletter", issue.delivery_key, [(member.pk, member.email), (facilitator.pk, facilitator.email)]
    )
    fanout.send_issue_batch(issue, Delivery.objects.values_list("pk", flat=True))
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert Delivery.objects.get(recipient=member).reason == "address suppressed"


def test_an_unsigned_or_badly_signed_webhook_changes_nothing(client, member):
    assert (
        postmark(client, "tracking", bounce_payload(member.email), secret="postmark:guess").status_code == 400
    )
    assert (
        client.post("/anymail/postmark/tracking/", data="{}", content_type="application/json").status_code
        == 400
    )
    assert not Suppression.objects.exists()


def test_soft_bounces_do_not_suppress_but_complaints_do(client, member, outsider):
    postmark(client, "tracking", bounce_payload(member.email, kind="SoftBounce"))
    postmark(client, "tracking", bounce_payload(member.email, kind="Transient"))
    assert not Suppression.objects.exists()
    complaint = {**bounce_payload(outsider.email, kind="SpamComplaint"), "RecordType": "SpamComplaint"}
    postmark(client, "tracking", complaint)
    assert Suppression.objects.get().reason == "complaint"


def test_a_dsn_on_stdin_suppresses_permanent_failures_only(db):
    assert receive((SAMPLES / "dsn_hard.eml").read_bytes()) == "bounce"
    assert receive((SAMPLES / "dsn_delayed.eml").read_bytes()) == "bounce"
    assert list(Suppression.objects.values_list("email", "reason", "source")) == [
        ("gone@example.org", "bounce", "dsn")
    ]


def test_an_abuse_report_on_stdin_suppresses_the_complainant(db):
    assert receive((SAMPLES / "arf_complaint.eml").read_bytes()) == "complaint"
    assert list(Suppression.objects.values_list("email", "reason")) == [("angry@example.org", "complaint")]


def test_a_suppressed_member_sees_a_banner_until_they_say_it_works(login, member):
    Suppression.objects.create(email=member.email, reason="bounce")
    client = login(member)
    page = client.get("/")
    assert "We cannot send e-mail to" in text(page)
    response = client.post(reverse("newsletters:email_works"), follow=True)
    assert "We will send e-mail to" in text(response)
    assert "We cannot send e-mail to" not in text(client.get("/"))
    assert not Suppression.objects.exists()


def test_the_banner_costs_no_extra_query(login, member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(member)
    with CaptureQueriesContext(connection) as clean:
        client.get(reverse("newsletters:notifications"))
    Suppression.objects.create(email=member.email, reason="bounce")
    with django_assert_num_queries(len(clean)):
        page = client.get(reverse("newsletters:notifications"))
    assert "We cannot send e-mail to" in text(page)


# --- replies by e-mail ------------------------------------------------------------------------


@pytest.fixture
def thread(community, facilitator):
    return forum_services.start_thread(
        facilitator, community, title="Budget lines", body="How do you split them?"
    )


def notification_email_for(member, thread):
    notice = notify(member, "Fiona replied to “Budget lines”", url=thread.get_absolute_url(),
                    community=thread.community, target=f"thread:{thread.pk}", email=False)  # fmt: skip
    from newsletters.mail import notification_email

    return notification_email(notice, member)


def reply_to(message, sender, body, message_id="<reply-1@mail.example.org>"):
    reply = EmailMessage()
    reply["From"] = f"Someone <{sender}>"
    reply["To"] = message.reply_to[0]
    reply["Subject"] = f"Re: {message.subject}"
    reply["Message-ID"] = message_id
    reply.set_content(body)
    return reply.as_bytes()


QUOTED = "\n\n-- \nMo Member\nHead of Benefits\n\nOn Mon, 30 Nov 2026 at 10:00, Practice Commons wrote:\n> Fiona replied to Budget lines\n> Open it: http://testserver/...\n"


def test_a_notification_about_a_thread_carries_a_signed_reply_address(member, thread):
    message = notification_email_for(member, thread)
    (address,) = message.reply_to
    assert address.startswith("reply+thread-") and address.endswith("@cop.example.org")
    assert addresses.read_address(address).target == f"thread:{thread.pk}"
    assert "You can reply to this e-mail" in message.body
    tampered = address.replace(f"-{member.pk}-", f"-{member.pk + 1}-")
    with pytest.raises(addresses.BadAddress):
        addresses.read_address(tampered)


def test_a_reply_by_email_becomes_a_post_without_the_quote_or_signature(member, thread):
    message = notification_email_for(member, thread)
    assert (
        receive(reply_to(message, member.email, "We split them by outcome, not by team." + QUOTED)) == "reply"
    )
    post = Post.objects.filter(thread=thread).order_by("-number").first()
    assert (post.author, post.body) == (member, "We split them by outcome, not by team.")


def test_a_reply_to_a_locked_thread_is_not_posted_and_earns_a_polite_bounce(member, thread, facilitator):
    message = notification_email_for(member, thread)
    forum_services.set_locked(facilitator, thread, True)
    receive(reply_to(message, member.email, "Late thought." + QUOTED))
    assert Post.objects.filter(thread=thread).count() == 1
    (bounce,) = [m for m in mail.outbox if m.to == [member.email]]
    assert bounce.subject.startswith("Your reply was not posted")
    assert "locked" in bounce.body and "Late thought." in bounce.body


def test_a_reply_from_someone_no_longer_a_member_is_not_posted(member, closed_community, facilitator):
    from communities.models import Membership

    closed_thread = forum_services.start_thread(facilitator, closed_community, title="Private", body="x")
    message = notification_email_for(member, closed_thread)
    Membership.objects.filter(user=member, community=closed_community).update(state=Membership.State.REMOVED)
    receive(reply_to(message, member.email, "Still here?" + QUOTED))
    assert Post.objects.filter(thread=closed_thread).count() == 1
    (bounce,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "no longer available to you" in bounce.body


def test_a_reply_from_another_address_or_a_forged_token_is_ignored(member, outsider, thread):
    message = notification_email_for(member, thread)
    receive(reply_to(message, outsider.email, "I am not Mo."))
    forged = EmailMessage()
    forged["From"] = member.email
    forged["To"] = f"reply+thread-{thread.pk}-{member.pk}-{'0' * 24}@cop.example.org"
    forged.set_content("Forged")
    assert receive(forged.as_bytes()) == "ignored"
    assert Post.objects.filter(thread=thread).count() == 1
    assert mail.outbox == []


def test_replies_by_email_share_the_web_forms_rate_limit(member, thread, rate_limits_on):
    message = notification_email_for(member, thread)
    for n in range(31):
        receive(reply_to(message, member.email, f"Reply number {n}", message_id=f"<r{n}@x>"))
    assert Post.objects.filter(thread=thread, author=member).count() == 30
    (bounce,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "a lot in a short time" in bounce.body


def test_a_reply_through_postmarks_inbound_webhook_becomes_a_post(client, member, thread):
    message = notification_email_for(member, thread)
    payload = {
        "FromFull": {"Email": member.email, "Name": "Mo Member"},
        "ToFull": [{"Email": message.reply_to[0], "Name": ""}],
        "OriginalRecipient": message.reply_to[0],
        "Subject": "Re: Budget lines",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "TextBody": "Same here: by outcome." + QUOTED,
        "HtmlBody": "",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@mail.example.org>"}],
    }
    assert postmark(client, "inbound", payload).status_code == 200
    assert Post.objects.filter(thread=thread, author=member).get().body == "Same here: by outcome."


def test_replies_about_hot_seats_ask_a_question_or_follow_up(member, community):
    from hotseats import services as hotseat_services
    from hotseats.models import FollowUp, Question

    from ..factories import UserFactory
    from ..hotseats.conftest import ask, make_hotseat

    expert = UserFactory(display_name="Erin Expert")
    hotseat = make_hotseat(community, expert)
    announcement = notify(member, "The hot seat is open", url=hotseat.get_absolute_url(),
                          community=community, target=f"hotseat:{hotseat.pk}")  # fmt: skip
    from newsletters.mail import notification_email

    receive(
        reply_to(
            notification_email(announcement, member), member.email, "How long do benefits last?" + QUOTED
        )
    )
    assert Question.objects.filter(hotseat=hotseat, author=member).get().body == "How long do benefits last?"

    question = ask(hotseat, member)
    hotseat_services.answer_question(expert, question, "About five years.")
    answered = notify(member, "Erin answered", url=question.get_absolute_url(),
                      community=community, target=f"question:{question.pk}")  # fmt: skip
    receive(
        reply_to(
            notification_email(answered, member), member.email, "Thanks, and after that?" + QUOTED, "<f1@x>"
        )
    )
    assert FollowUp.objects.get(question=question).body == "Thanks, and after that?"
