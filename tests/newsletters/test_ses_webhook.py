"""Amazon SES bounces and complaints through anymail's SNS webhook, authenticated like Postmark's:
a hard bounce or a complaint suppresses the address and the next newsletter skips it."""

import base64
import json
import logging

import pytest
from django.core import mail

from newsletters import fanout, sending
from newsletters.models import Delivery, Issue, Suppression

SECRET = "ses:s3cret-webhook-password"
URL = "/anymail/amazon_ses/tracking/"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-events"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


def sns(client, body, *, secret=SECRET, message_type="Notification", header_id=None):
    """POST an SNS message as Amazon SNS does (JSON body, text/plain, x-amz-sns-* headers)."""
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": message_type,
        "HTTP_X_AMZ_SNS_MESSAGE_ID": header_id or body["MessageId"],
        "HTTP_X_AMZ_SNS_TOPIC_ARN": TOPIC,
    }
    if secret:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(URL, data=json.dumps(body), content_type="text/plain; charset=UTF-8", **headers)


def notification(ses_event, message_id="0b5a8e5c-0001"):
    return {
        "Type": "Notification", "MessageId": message_id, "TopicArn": TOPIC,
        "Message": json.dumps(ses_event), "Timestamp": "2026-11-30T16:33:54.907Z",
        "SignatureVersion": "1", "Signature": "EXAMPLE", "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem",
    }  # fmt: skip


def mail_object(email):
    return {
        "timestamp": "2026-11-30T16:33:50.000Z", "source": "community@cop.example.org",
        "messageId": "0102018c-example", "destination": [email],
    }  # fmt: skip


def bounce(email, bounce_type="Permanent", sub_type="General"):
    # The shape of Amazon SES's documented bounce notification, trimmed.
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type, "bounceSubType": sub_type, "timestamp": "2026-11-30T16:33:54.000Z",
            "feedbackId": "0102018c-feedback", "bouncedRecipients": [
                {"emailAddress": email, "action": "failed", "status": "5.1.1",
                 "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
            ],
        },
        "mail": mail_object(email),
    }  # fmt: skip


def complaint(email):
    return {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": email}], "timestamp": "2026-11-30T16:40:00.000Z",
            "feedbackId": "0102018c-complaint", "complaintFeedbackType": "abuse",
        },
        "mail": mail_object(email),
    }  # fmt: skip


def test_a_signed_hard_bounce_from_ses_suppresses_the_address_and_the_next_newsletter_skips_it(
    client, community, facilitator, member
):
    assert sns(client, notification(bounce(member.email.upper()))).status_code == 200
    row = Suppression.objects.get()
    assert (row.email, row.reason, row.source) == (member.email.lower(), "bounce", "amazon_ses")

    issue = Issue.objects.create(community=community, author=facilitator, subject="News", body="Hi")
    Issue.objects.filter(pk=issue.pk).update(status="sending")
    issue.refresh_from_db()
    sending.reserve_many(
        "newsletter", issue.delivery_key, [(member.pk, member.email), (facilitator.pk, facilitator.email)]
    )
    fanout.send_issue_batch(issue, Delivery.objects.values_list("pk", flat=True))
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert Delivery.objects.get(recipient=member).reason == "address suppressed"


def test_transient_bounces_do_not_suppress_but_complaints_do(client, member, outsider):
    sns(client, notification(bounce(member.email, "Transient", "MailboxFull"), "m-1"))
    sns(client, notification(bounce(member.email, "Undetermined", "Undetermined"), "m-2"))
    assert not Suppression.objects.exists()
    assert sns(client, notification(complaint(outsider.email), "m-3")).status_code == 200
    row = Suppression.objects.get()
    assert (row.email, row.reason) == (outsider.email.lower(), "complaint")


def test_an_unsigned_badly_signed_or_forged_notification_changes_nothing(client, member):
    body = notification(bounce(member.email))
    assert sns(client, body, secret=None).status_code == 401  # SNS then retries with the secret
    assert sns(client, body, secret="ses:guess").status_code == 400
    assert sns(client, body, header_id="another-id").status_code == 400  # headers must match the body
    client.raise_request_exception = False
    assert client.post(URL, data="{}", content_type="application/json").status_code in {400, 401}
    assert not Suppression.objects.exists()


def _confirmation(url):
    return {
        "Type": "SubscriptionConfirmation", "MessageId": "c-1", "TopicArn": TOPIC, "Token": "token-1",
        "SubscribeURL": url,
        "Message": "You have chosen to subscribe to the topic.", "Timestamp": "2026-11-30T16:00:00.000Z",
    }  # fmt: skip


def test_a_subscription_confirmation_opens_amazons_address_once_and_never_logs_its_token(
    client, db, caplog, monkeypatch
):
    from newsletters.inbound import ses

    opened = []
    monkeypatch.setattr(ses, "confirm_subscription", opened.append)
    url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=t&Token=token-1"
    with caplog.at_level(logging.INFO):
        response = sns(client, _confirmation(url), message_type="SubscriptionConfirmation")
    assert response.status_code == 200
    assert opened == [url]
    assert "token-1" not in caplog.text
    assert "Confirmed the subscription" in caplog.text
    assert not Suppression.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/?Token=1",
        "http://sns.eu-west-1.amazonaws.com/?Token=1",
        "https://sns.eu-west-1.amazonaws.com.evil.example/?Token=1",
        "https://sns.eu-west-1.amazonaws.com:8443/?Token=1",
        "https://127.0.0.1/",
        "",
    ],
)
def test_a_confirmation_address_off_amazon_sns_is_never_fetched(client, db, monkeypatch, url):
    from newsletters.inbound import ses

    opened = []
    monkeypatch.setattr(ses, "confirm_subscription", opened.append)
    response = sns(client, _confirmation(url), message_type="SubscriptionConfirmation")
    assert response.status_code in (400, 403)
    assert opened == []


def test_a_confirmation_without_the_webhook_secret_is_refused(client, db, monkeypatch):
    from newsletters.inbound import ses

    opened = []
    monkeypatch.setattr(ses, "confirm_subscription", opened.append)
    url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=token-1"
    response = sns(client, _confirmation(url), secret=None, message_type="SubscriptionConfirmation")
    assert response.status_code in (400, 401, 403)
    assert opened == []
