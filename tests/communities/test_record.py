"""The contribution record: per community, only what the viewer may see, counted independently
here; the member's own CSV and printable page; a constant number of queries on the profile."""

import csv
import io

import pytest
from django.urls import reverse

from communities import activity
from communities.models import Badge, Document, Thanks
from forums import services as forums
from forums.models import Helpful, Post, Thread
from forums.services import moderation
from tests.factories import member_of
from tests.utils import text, words

pytestmark = pytest.mark.django_db


def build(community, closed_community, member, core_member, facilitator, *, size=1, once=True):
    """`member` posts in both communities; core_member marks helpful; facilitator accepts and thanks."""
    for n in range(size):
        question = forums.start_thread(core_member, community, title=f"Open question {n}", body="How?")
        answer = forums.post_reply(member, question, "Like this.")
        forums.accept_answer(core_member, question, answer)
        forums.toggle_helpful(core_member, answer)
        secret = forums.start_thread(facilitator, closed_community, title=f"Closed question {n}", body="Hm?")
        forums.post_reply(member, secret, "A closed answer.")
        Document.objects.create(community=closed_community, title=f"Closed doc {n}", uploaded_by=member)
        Document.objects.create(community=community, title=f"Open doc {n}", uploaded_by=member)
    if not once:
        return
    Thanks.objects.create(
        community=closed_community, thanked_by=facilitator, user=member, message="Closed thanks",
        target_type="accounts.user", target_id=member.pk,
    )  # fmt: skip
    Thanks.objects.create(
        community=community, thanked_by=facilitator, user=member, message="Open thanks for a reply",
        target_type="forums.post", target_id=Post.objects.filter(author=member, community=community).first().pk,
    )  # fmt: skip
    Badge.objects.create(user=member, community=community, kind=Badge.Kind.FIRST_POST)
    Badge.objects.create(user=member, community=closed_community, kind=Badge.Kind.CURATOR)


def expected_row(person, community):
    """Counted here by hand from the rows, not through the code under test."""
    posts = [
        p for p in Post.objects.filter(author=person, community=community)
        if p.deleted_at is None and p.hidden_at is None and p.thread.hidden_at is None
    ]  # fmt: skip
    return {
        "Posts": len(posts),
        "Answers accepted": sum(
            1 for p in posts if p.thread.accepted_post_id == p.pk and p.thread.author_id != person.pk
        ),
        "Helpful marks received": Helpful.objects.filter(post__in=[p.pk for p in posts]).count(),
        "Documents shared": Document.objects.filter(uploaded_by=person, community=community).count(),
    }


def figures(response):
    """{measure key: [value per community shown]} from the profile's record."""
    return {m["key"]: m["values"] for m in response.context["record"]["measures"]}


def record_rows(response):
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    table = {}
    for row in rows[1:]:
        if not row:
            break
        table[row[0]] = dict(zip(header[1:], (int(v) for v in row[1:]), strict=True))
    return table, rows


def test_own_record_csv_equals_an_independent_count(
    community, closed_community, member, core_member, facilitator, login
):
    build(community, closed_community, member, core_member, facilitator, size=2)
    response = login(member).get(reverse("my_record_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table, rows = record_rows(response)
    for c in (community, closed_community):
        for label, n in expected_row(member, c).items():
            assert table[c.name][label] == n, (c.name, label)
    assert table[closed_community.name]["Thanks received"] == 1
    assert table["Total"]["Posts"] == table[community.name]["Posts"] + table[closed_community.name]["Posts"]
    flat = [cell for row in rows for cell in row]
    assert "First post" in flat and "Library curator" in flat and "Closed thanks" in flat


def test_outsider_sees_only_the_open_community_in_the_record(
    community, closed_community, member, core_member, facilitator, outsider, login
):
    build(community, closed_community, member, core_member, facilitator)
    response = login(outsider).get(member.get_absolute_url())
    page = words(response)
    assert "Contribution record" in page
    assert closed_community.name not in page
    assert "Closed thanks" not in page and "Library curator" not in page
    # The open row still shows: one reply, accepted, one helpful mark, one document.
    assert "Contribution Benefits Realisation Posts 1 Answers accepted 1 Helpful marks received 1" in page
    # The question was core_member's first discussion, so the reply welcomed a newcomer.
    assert figures(response) == {
        "posts": [1], "accepted": [1], "helpful": [1], "welcomes": [1], "documents": [1],
        "hotseats": [0], "asked": [0], "thanks": [1],
    }  # fmt: skip


def test_hidden_posts_leave_the_record_for_members_but_not_for_the_facilitator(
    community, closed_community, member, core_member, facilitator, login
):
    build(community, closed_community, member, core_member, facilitator)
    post = Post.objects.filter(author=member, community=community).get()
    moderation.hide_post(facilitator, post)
    as_member = figures(login(core_member).get(member.get_absolute_url()))
    as_facilitator = figures(login(facilitator).get(member.get_absolute_url()))
    assert as_member["posts"][0] == 0 and as_member["thanks"][0] == 0  # the thanks was on that post
    assert as_facilitator["posts"][0] == 1


def test_the_printable_record_has_a_print_button_and_no_inline_style(
    community, closed_community, member, core_member, facilitator, login
):
    build(community, closed_community, member, core_member, facilitator)
    response = login(member).get(reverse("my_record"))
    page = text(response)
    assert "data-print" in page and "Print or save as PDF" in page
    assert "style=" not in page and "<script>" not in page
    assert closed_community.name in page  # their own record: every community they belong to


def test_the_record_csv_quotes_formula_like_text(community, member, facilitator, login):
    Thanks.objects.create(
        community=community, thanked_by=facilitator, user=member, message="=HYPERLINK(\"x\")",
        target_type="accounts.user", target_id=member.pk,
    )  # fmt: skip
    body = login(member).get(reverse("my_record_csv")).content.decode()
    assert "'=HYPERLINK" in body


def test_the_record_pages_need_signing_in(client):
    for name in ("my_record", "my_record_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


def test_no_record_rows_when_nothing_was_done(community, member, login):
    assert "Nothing to show yet" in text(login(member).get(member.get_absolute_url()))


def test_profile_with_badges_and_record_costs_the_same_with_few_or_many(
    community, closed_community, member, core_member, facilitator, login, django_assert_num_queries
):
    build(community, closed_community, member, core_member, facilitator, size=1)
    client = login(core_member)
    client.get(member.get_absolute_url())  # the content types cache (the knowledge map's tags) warms up
    # session, user, person, memberships I may see, my communities and roles, recent, last
    # active, expertise, inferred expertise (4: the knowledge map's sources); badges; thanks and
    # the posts they are on (one per kind of target); the record: communities, discussions (2),
    # library, hot seats (2); (the layout's sidebar and counts are cached per member)
    with django_assert_num_queries(21) as few:
        client.get(member.get_absolute_url())
    few = len(few.captured_queries)  # read now: each request resets the log
    build(community, closed_community, member, core_member, facilitator, size=6, once=False)
    for n in range(5):
        other = member_of(community)
        thread = forums.start_thread(other, community, title=f"Hello {n}", body="New here")
        forums.post_reply(member, thread, "Welcome!")
        activity.record(community, member, "link.added", f"link {n}")
    Thanks.objects.create(
        community=community, thanked_by=core_member, user=member, message="For the welcomes",
        target_type="forums.post", target_id=Post.objects.filter(author=member, thread__is_first_post=True).last().pk,
    )  # fmt: skip
    client.get(member.get_absolute_url())  # the viewer's own writes above changed their frame
    with django_assert_num_queries(few):
        response = client.get(member.get_absolute_url())
    assert "For the welcomes" in text(response)
    assert Thread.objects.filter(is_first_post=True).count() >= 5
