"""Replying to a private message by e-mail (through the inbound spine's reply handlers)."""

import pytest
from django.core import mail

from communities import messaging
from communities.models import Message

pytestmark = pytest.mark.django_db


def reply_mail(sender, address, text, message_id="<r1@mail.example>"):
    from newsletters.inbound import parse

    raw = (
        f"From: {sender.email}\nTo: {address}\nSubject: Re: your message\nMessage-ID: {message_id}\n\n"
        f"{text}\n\nOn Monday, someone wrote:\n> Coffee next week?\n"
    )
    return parse(raw.encode())


@pytest.fixture
def conversation(settings, member, core_member, django_capture_on_commit_callbacks):
    settings.REPLY_EMAIL_DOMAIN = "reply.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        started = messaging.start_conversation(member, [core_member], "Coffee next week?")
    return started


def address_for(user):
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    [address] = message.reply_to
    return address


def test_a_member_answers_a_private_message_by_replying_to_its_email(conversation, core_member, member):
    from newsletters.inbound import receive

    assert receive(reply_mail(core_member, address_for(core_member), "Yes, Tuesday works.")) == "reply"
    reply = Message.objects.get(author=core_member)
    assert reply.via == "email" and reply.body == "Yes, Tuesday works."
    assert reply.conversation == conversation


def test_a_reply_from_someone_else_s_address_posts_nothing(conversation, core_member, outsider):
    from newsletters.inbound import receive

    receive(reply_mail(outsider, address_for(core_member), "I am not Cora."))
    assert not Message.objects.filter(body__contains="not Cora").exists()


def test_a_blocked_member_s_reply_by_email_is_refused_politely(conversation, core_member, member):
    from newsletters.inbound import receive

    address = address_for(core_member)
    messaging.block(member, core_member)
    receive(reply_mail(core_member, address, "Still there?"))
    assert not Message.objects.filter(author=core_member).exists()
    assert any("Still there?" in m.body for m in mail.outbox if m.to == [core_member.email])
