"""Site search over documents (and the words inside them), links, meetings and hot seat
questions: words not substrings, ranked, highlighted and escaped once, filtered by kind and
community, never showing what the viewer may not see. Runs on SQLite (FTS5) and PostgreSQL
(stored vectors, GIN)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.repertoire import services as repertoire
from forums import services as forum_services
from hotseats import services as hotseat_services
from hotseats.models import Question
from tests.communities.repertoire_utils import media_root, pdf_file, text_file, upload  # noqa: F401
from tests.forums.helpers import age, thread
from tests.hotseats.conftest import ask, make_hotseat
from tests.utils import words

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    return client.get(reverse("search"), {"q": q, **params})


def meeting(facilitator, community, title, agenda="", days=3):
    starts = timezone.now() + datetime.timedelta(days=days)
    return repertoire.schedule_meeting(
        facilitator, community, title=title, starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1), place="Town hall", agenda=agenda,
    )  # fmt: skip


@pytest.fixture
def library(member, facilitator, community, on_commit):
    age(member)
    with on_commit:  # the words inside files are extracted by a task after the upload commits
        upload(
            member, community, title="Handover pack", file=pdf_file(lines=["Stewardship of the registers"])
        )
    repertoire.add_link(
        member, community, title="Treasury guidance", url="https://example.org/green-book",
        description="How appraisal works in practice",
    )  # fmt: skip
    meeting(facilitator, community, "Quarterly review", agenda="Walk through the appraisal pipeline")
    hotseat = make_hotseat(community, state="closed")
    ask(hotseat, member, body="Which forecasting method suits small councils?", answer="Reference class.")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("stewardship", "Handover pack"),  # inside the PDF
        ("registers", "Handover pack"),
        ("appraisal", "Treasury guidance"),
        ("appraisals", "Quarterly review"),  # another form of the word, in the agenda
        ("forecasts", "Which forecasting method suits small councils?"),
        ("reference class", "Which forecasting method suits small councils?"),  # in the answer
    ],
)
def test_every_kind_is_found_by_its_words(login, member, library, q, expected):
    assert expected in words(search(login(member), q))


@pytest.mark.parametrize("piece", ["ardship", "gister", "praisa", "ecasting", "reasur"])
def test_pieces_of_words_find_nothing(login, member, library, piece):
    assert "Nothing found." in words(search(login(member), piece))


def test_the_kind_filter_keeps_one_kind(login, member, library):
    client = login(member)
    everything = words(search(client, "appraisal"))
    assert "Treasury guidance" in everything and "Quarterly review" in everything
    links = words(search(client, "appraisal", kind="links"))
    assert "Treasury guidance" in links and "Quarterly review" not in links
    meetings = words(search(client, "appraisal", kind="meetings"))
    assert "Quarterly review" in meetings and "Treasury guidance" not in meetings
    assert "Treasury guidance" in words(search(client, "appraisal", kind="not-a-kind"))


def test_the_community_filter_keeps_one_community(login, member, facilitator, community, closed_community):
    meeting(facilitator, community, "Open appraisal clinic")
    meeting(facilitator, closed_community, "Closed appraisal clinic")
    client = login(member)
    both = words(search(client, "appraisal"))
    assert "Open appraisal clinic" in both and "Closed appraisal clinic" in both
    one = words(search(client, "appraisal", community=closed_community.slug))
    assert "Closed appraisal clinic" in one and "Open appraisal clinic" not in one


def test_matched_words_are_highlighted_and_text_is_escaped_once(login, member, community):
    age(member)
    repertoire.add_link(
        member, community, title="R&D <script>alert(1)</script> appraisal",
        url="https://example.org/rd", description="Appraisal & <b>review</b> notes",
    )  # fmt: skip
    html = search(login(member), "appraisal").content.decode()
    assert "<mark>appraisal</mark>" in html and "<mark>Appraisal</mark>" in html
    assert "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
    assert "<script>alert(1)" not in html and "<b>review</b>" not in html


def test_a_title_match_ranks_above_a_match_in_the_text(login, member, community, on_commit):
    age(member)
    with on_commit:
        upload(member, community, title="Annual report", file=text_file(lines=["Notes on benchmarking"]))
        upload(member, community, title="Benchmarking guide", file=text_file(lines=["Nothing else"]))
    page = words(search(login(member), "benchmarking", kind="documents"))
    assert page.index("Benchmarking guide") < page.index("Annual report")


def test_the_indexes_follow_edits(login, member, facilitator, community, on_commit):
    age(member)
    with on_commit:
        document = upload(member, community, title="Old title", file=text_file(lines=["x"]))
    repertoire.update_document(member, document, title="Lighthouse register")
    client = login(member)
    assert "Lighthouse register" in words(search(client, "lighthouse"))
    assert "Nothing found." in words(search(client, "old title"))
    m = meeting(facilitator, community, "Planning")
    repertoire.post_meeting_notes(facilitator, m, "We chose the lighthouse approach.")
    assert "Planning" in words(search(client, "lighthouse", kind="meetings"))


def test_private_things_never_appear(
    login, member, facilitator, outsider, community, closed_community, on_commit
):
    age(member)
    with on_commit:
        upload(member, closed_community, title="Closed zeppelin pack", file=text_file(lines=["x"]))
        gone = upload(member, community, title="Deleted zeppelin pack", file=text_file(lines=["x"]))
    repertoire.delete_document(member, gone)
    repertoire.add_link(member, closed_community, title="Closed zeppelin link", url="https://example.org/z")
    meeting(facilitator, closed_community, "Closed zeppelin meeting")
    ask(make_hotseat(closed_community, state="closed"), member, body="Closed zeppelin question")
    hidden = ask(make_hotseat(community, state="closed"), member, body="Hidden zeppelin question")
    hotseat_services.hide_question(facilitator, hidden)
    merged_into = ask(hidden.hotseat, member, body="Kept question")
    merged = ask(hidden.hotseat, member, body="Merged zeppelin question")
    Question.objects.filter(pk=merged.pk).update(merged_into=merged_into)
    t = thread(member, community, title="Open thread", body="Nothing here.")
    deleted = forum_services.post_reply(member, t, "A deleted zeppelin reply.")
    forum_services.delete_post(member, deleted)
    hidden_thread = thread(member, community, title="Hidden zeppelin thread", body="Words.")
    forum_services.hide_post(facilitator, hidden_thread.posts.get(number=1))  # hides the thread

    seen_by_outsider = words(search(login(outsider), "zeppelin"))
    assert "Nothing found." in seen_by_outsider
    seen_by_member = words(search(login(member), "zeppelin"))
    for shown in (
        "Closed zeppelin pack",
        "Closed zeppelin link",
        "Closed zeppelin meeting",
        "Closed zeppelin question",
    ):
        assert shown in seen_by_member, shown
    for never in ("Deleted zeppelin pack", "Hidden zeppelin question", "Merged zeppelin question", "deleted zeppelin reply",
                  "Hidden zeppelin thread"):  # fmt: skip
        assert never not in seen_by_member, never
    assert "Hidden zeppelin question" in words(search(login(facilitator), "zeppelin"))


def test_a_long_question_is_shown_from_its_start_and_shortened(login, member, community):
    age(member)
    body = "Opening words about forecasting. " + "More context follows here. " * 40
    ask(make_hotseat(community, state="closed"), member, body=body)
    html = search(login(member), "forecasting").content.decode()
    assert "Opening words about <mark>forecasting</mark>." in html
    assert "More context follows here. " * 9 in html and "More context follows here. " * 15 not in html
