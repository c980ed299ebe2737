import smtplib

import pytest
from django.core import mail

from communities import services
from communities.models import Membership
from newsletters import tasks
from newsletters.models import Delivery
from newsletters.services import fill_welcome

pytestmark = pytest.mark.django_db


def test_running_the_welcome_task_twice_sends_one_email(member, community, facilitator):
    membership = Membership.objects.get(user=member, community=community)

    assert tasks.send_welcome.delay(membership.pk).get() is True
    assert tasks.send_welcome.delay(membership.pk).get() is False

    assert len(mail.outbox) == 1
    delivery = Delivery.objects.get(recipient=member, kind="welcome")
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_the_welcome_is_signed_by_the_facilitator_who_approved(
    closed_community, pending, facilitator, on_commit
):
    membership = Membership.objects.get(user=pending, community=closed_community)
    with on_commit:
        services.decide_request(facilitator, membership, approve=True)

    message = mail.outbox[0]
    assert message.reply_to == [facilitator.email]
    assert "Warm regards,\nFiona Facilitator" in message.body
    assert "Visit the community: http://testserver/communities/assurance/" in message.body
    assert message.body.rstrip().endswith("E-mail settings: http://testserver/email/preferences/")


def test_the_founder_of_a_community_gets_no_welcome_from_themselves(outsider, staff, on_commit):
    community = services.propose_community(
        outsider, name="New", slug="new-one", purpose="x", visibility="open"
    )
    with on_commit:
        services.approve_community(staff, community)

    assert not Delivery.objects.filter(kind="welcome").exists()
    assert [m.subject for m in mail.outbox] == ["“New” is live"]


def test_a_failed_smtp_send_can_be_retried_and_then_sends_once(member, community, facilitator, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    membership = Membership.objects.get(user=member, community=community)
    real_send = EmailBackend.send_messages
    monkeypatch.setattr(
        EmailBackend,
        "send_messages",
        lambda self, msgs: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected("gone")),
    )
    with pytest.raises(smtplib.SMTPServerDisconnected):
        from newsletters.services import send_welcome

        send_welcome(membership.pk)
    delivery = Delivery.objects.get(recipient=member, kind="welcome")
    assert (delivery.status, delivery.last_error) == ("pending", "SMTPServerDisconnected: gone")

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    tasks.send_welcome.delay(membership.pk)
    tasks.send_welcome.delay(membership.pk)
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_welcome_whose_send_was_interrupted_is_never_resent(member, community, facilitator):
    membership = Membership.objects.get(user=member, community=community)
    Delivery.objects.create(
        recipient=member,
        email=member.email,
        kind="welcome",
        key=f"community:{community.pk}",
        status="sending",
    )

    assert tasks.send_welcome.delay(membership.pk).get() is False
    assert mail.outbox == []


def test_placeholders_are_filled_and_template_syntax_is_left_alone():
    body = fill_welcome(
        "Hi {name} from {facilitator} at {community} {{ settings.SECRET_KEY }} {% debug %}",
        name="Ann",
        community="PMO",
        facilitator="Bo",
    )
    assert body == "Hi Ann from Bo at PMO {{ settings.SECRET_KEY }} {% debug %}"


def test_welcome_html_is_sanitised(member, community, facilitator):
    community.welcome_message = "Hello {name} <script>alert(1)</script> [x](javascript:alert(1))"
    community.save()
    membership = Membership.objects.get(user=member, community=community)
    tasks.send_welcome.delay(membership.pk)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert 'href="javascript:' not in html
