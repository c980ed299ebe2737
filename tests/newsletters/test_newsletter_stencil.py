"""A newsletter batch is rendered once and personalised per member (newsletters/sending/stencil.py):
each member's copy carries their own address and unsubscribe link and nobody else's, the bytes
on the wire are what a full rendering would send, and a batch costs the same queries at any size."""

import email
import email.policy
import re
from unittest import mock

import pytest
from django.core import mail as outbox
from django.core.mail.message import sanitize_address
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cop_platform.emails import build_email
from newsletters import fanout, mail, sending
from newsletters.models import Delivery, Issue
from newsletters.sending.stencil import Stencil
from newsletters.tokens import read_token

from ..factories import member_of
from .smtp import Recorder, SMTPServer

UNSUBSCRIBE = re.compile(r"/email/unsubscribe/([A-Za-z0-9_:.-]+)/")


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def smtp(recorder, settings):
    with SMTPServer(recorder) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def queued_issue(community, facilitator, members):
    issue = Issue.objects.create(
        community=community, author=facilitator, subject="November", body="Read [the map](/maps/)."
    )
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, started_at=timezone.now())
    issue = Issue.objects.select_related("community", "author").get(pk=issue.pk)
    sending.reserve_many("newsletter", issue.delivery_key, [(m.pk, m.email) for m in members])
    return issue


def send(issue):
    ids = Delivery.objects.filter(key=issue.delivery_key).order_by("pk").values_list("pk", flat=True)
    return fanout.send_issue_batch(issue, list(ids))


def parts(raw):
    """(headers, text part, html part) of a message as received."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return message, text, html


def test_each_member_gets_their_own_unsubscribe_link_and_nobody_elses(smtp, recorder, community, facilitator):
    members = [member_of(community, email=f"reader{n}@example.org") for n in range(12)]
    issue = queued_issue(community, facilitator, members)
    assert mail.newsletter_stencil(issue).raw, "this test is about the substituted bytes"
    assert send(issue).sent == 12
    by_address = {email.message_from_bytes(raw)["To"]: raw for raw in recorder.messages}
    assert len(by_address) == 12
    tokens = set()
    for member in members:
        raw = by_address[member.email]
        message, text, html = parts(raw)
        links = {*UNSUBSCRIBE.findall(text), *UNSUBSCRIBE.findall(html)}
        links |= set(UNSUBSCRIBE.findall(message["List-Unsubscribe"]))
        assert len(links) == 1, "the footers and the header disagree on the link"
        (token,) = links
        ref = read_token(token)
        assert (ref.user_id, ref.list_name) == (member.pk, f"newsletter:{community.pk}")
        tokens.add(token)
        others = [m for m in members if m != member]
        assert not any(m.email.encode() in raw for m in others)
        assert "Read the map" in text or "the map" in text
    assert len(tokens) == 12
    for raw in recorder.messages:
        assert not any(token.encode() in raw for token in tokens - set(UNSUBSCRIBE.findall(raw.decode())))
    message_ids = {email.message_from_bytes(raw)["Message-ID"] for raw in recorder.messages}
    assert len(message_ids) == 12


def test_the_batch_is_rendered_once(smtp, recorder, community, facilitator):
    members = [member_of(community, email=f"reader{n}@example.org") for n in range(30)]
    issue = queued_issue(community, facilitator, members)
    with (
        mock.patch("newsletters.mail.build_email", wraps=build_email) as render,
        mock.patch("newsletters.sending.transport.sanitize_address", wraps=sanitize_address) as parse,
    ):
        assert send(issue).sent == 30
    assert render.call_count == 1
    assert parse.call_count == 1, "the sender's address is parsed once per batch, not per message"


def test_a_batch_costs_the_same_queries_for_five_and_for_fifty_members(smtp, community, facilitator):
    def queries_for(n, prefix):
        members = [member_of(community, email=f"{prefix}{i}@example.org") for i in range(n)]
        issue = queued_issue(community, facilitator, members)
        with CaptureQueriesContext(connection) as queries:
            assert send(issue).sent == n
        return len(queries)

    # Rows are claimed 25 at a time, so compare batches with the same number of chunks.
    assert queries_for(26, "small") == queries_for(50, "large")
    assert queries_for(5, "tiny") == queries_for(25, "full")


@pytest.mark.parametrize(
    ("address", "substituted"),
    [
        ("plain@example.org", True),
        ("Mixed.Case+tag@Example.ORG", True),
        (f"{'long' * 17}@example.org", False),  # its To header folds: serialised in full
        ("dé@exämple.org", False),
        ('"quoted name"@example.org', False),
    ],
)
def test_the_bytes_sent_are_those_of_a_full_rendering(community, facilitator, address, substituted):
    member = member_of(community, email=address)
    issue = queued_issue(community, facilitator, [member])
    message = mail.newsletter_stencil(issue).message_for(member)
    sent = message.message().as_bytes(linesep="\r\n")
    full = super(type(message), message).message().as_bytes(linesep="\r\n")

    def same_shape(raw):
        raw = re.sub(rb"Date: [^\r]*", b"Date: -", raw)
        for boundary in set(re.findall(rb'boundary="([^"]+)"', raw)):
            raw = raw.replace(boundary, b"BOUNDARY")
        return raw

    assert same_shape(sent) == same_shape(full)
    assert message.to == [address]
    assert (message.raw is not None) == substituted


def test_a_template_that_reads_the_recipient_is_rendered_for_each(community):
    members = [member_of(community, email=f"m{n}@example.org", display_name=f"Member {n}") for n in range(2)]

    def build(to, token, recipient):  # the digest greets the member by name
        context = {"sections": [], "frequency": "weekly", "communities": []}
        return mail._optional("digest", context, recipient, to, token, "digest", None)

    stencil = Stencil(build, lambda recipient: f"token-{recipient.pk}")
    assert not stencil.shared
    first, second = (stencil.message_for(m) for m in members)
    assert "Member 0" in first.body and "Member 1" not in first.body
    assert "Member 1" in second.body and f"token-{members[1].pk}" in second.body
    assert f"token-{members[0].pk}" not in second.body


def test_the_locmem_outbox_sees_each_members_own_message(community, facilitator):
    members = [member_of(community, email=f"reader{n}@example.org") for n in range(3)]
    issue = queued_issue(community, facilitator, members)
    assert send(issue).sent == 3
    for member, message in zip(members, sorted(outbox.outbox, key=lambda m: m.to[0]), strict=True):
        assert message.to == [member.email]
        (token,) = set(UNSUBSCRIBE.findall(message.body))
        assert read_token(token).user_id == member.pk
        assert UNSUBSCRIBE.findall(message.alternatives[0][0]) == [token]
