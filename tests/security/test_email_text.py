"""E-mail subjects, headers and text parts are plain text: a community called
`Risk & Issue "Q&A" <Leads> O'Brien's` arrives as written, never as `Risk &amp; Issue`.

Every template triple in templates/emails/ is rendered through the one builder with a context
whose every value is that name, so e-mail kinds added later are covered too."""

from pathlib import Path

import pytest
from django.conf import settings

from cop_platform.emails import build_email

NASTY = "Risk & Issue \"Q&A\" <Leads> O'Brien's"
ENTITIES = ["&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;"]
EMAILS = sorted(
    p.name.removesuffix(".subject.txt")
    for p in (Path(settings.BASE_DIR) / "templates/emails").glob("*.subject.txt")
)


class Nasty(str):
    """Renders as the nasty name; any attribute is the nasty name too (slugs and ids stay valid,
    so `{% url %}` still works); lists of it hold two of it."""

    def __new__(cls, value=NASTY):
        return super().__new__(cls, value)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith("slug"):
            return "a-slug"
        if name in {"pk", "id", "number"} or name.endswith("_id"):
            return 1
        return Nasty()

    def __getitem__(self, key):
        return Nasty()

    def __iter__(self):
        return iter([Nasty(), Nasty()])

    def __len__(self):
        return 2


class NastyContext(dict):
    def __missing__(self, key):
        return Nasty()


def context():
    return {
        name: Nasty()
        for name in [
            "community", "communities", "member", "user", "recipient", "hotseat", "expert", "issue",
            "notification", "thread", "post", "question", "questions", "event", "invitation",
            "inviter", "sender", "author", "actor", "survey", "blog", "proposal", "title", "name",
        ]
    }  # fmt: skip


@pytest.mark.parametrize("name", EMAILS)
def test_every_e_mail_keeps_special_characters_as_written_in_subject_and_text(name):
    message = build_email(name, context(), to="reader@example.com", unsubscribe_url="/email/unsubscribe/t/")
    for entity in ENTITIES:
        assert entity not in message.subject, message.subject
        assert entity not in message.body
    assert "\n" not in message.subject and "\r" not in message.subject
    assert NASTY in message.subject or "Risk" not in message.subject


@pytest.mark.parametrize("name", EMAILS)
def test_the_html_part_of_every_e_mail_still_escapes_them(name):
    message = build_email(name, context(), to="reader@example.com")
    html = message.alternatives[0][0]
    assert "&lt;Leads&gt;" in html


def test_the_subject_of_a_community_e_mail_reads_as_written():
    message = build_email("membership_declined", context(), to="reader@example.com")
    assert message.subject == f"Your request to join {NASTY}"


def test_a_display_name_with_quotes_and_brackets_cannot_inject_headers():
    message = build_email(
        "welcome", {**context(), "member": Nasty("Eve\r\nBcc: all@example.com")}, to="x@example.com"
    )
    assert "\n" not in message.subject
    assert "Bcc" not in str(message.message()["Bcc"] or "")
