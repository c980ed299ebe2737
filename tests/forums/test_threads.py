import pytest
from django.urls import reverse

from communities.models import Activity
from forums.models import Post, Thread, ThreadWatch
from tests.utils import text

from .helpers import age, thread

pytestmark = pytest.mark.django_db


def test_member_asks_a_question_and_sees_it_listed(login, member, community):
    client = login(member)
    response = client.post(
        reverse("forums:thread_create", args=[community.slug]),
        {
            "kind": "question",
            "title": "How do you baseline benefits?",
            "body": "We start **next month**.",
            "tags": "baselines, benefits",
        },
        follow=True,
    )

    page = text(response)
    assert "Your post is live." in page
    assert "<strong>next month</strong>" in response.content.decode()
    t = Thread.objects.get()
    assert (t.kind, t.author, t.post_count, t.is_first_post) == ("question", member, 1, True)
    assert sorted(t.tags.names()) == ["baselines", "benefits"]
    assert ThreadWatch.objects.filter(thread=t, user=member).exists()
    assert Activity.objects.filter(verb="thread.created", target_id=t.pk).exists()
    listing = text(client.get(reverse("forums:thread_list", args=[community.slug])))
    assert "How do you baseline benefits?" in listing


def test_empty_title_is_refused_and_the_text_is_kept(login, member, community):
    response = login(member).post(
        reverse("forums:thread_create", args=[community.slug]),
        {"kind": "question", "title": "  ", "body": "All my careful details"},
    )
    assert response.status_code == 200
    assert "Please give your post a title." in text(response)
    assert "All my careful details" in text(response)
    assert not Thread.objects.exists()


def test_only_facilitators_may_post_announcements(login, member, facilitator, community):
    url = reverse("forums:thread_create", args=[community.slug])
    data = {"kind": "announcement", "title": "Meet-up", "body": "In Leeds."}
    response = login(member).post(url, data)
    assert "Select a valid choice" in text(response)
    assert not Thread.objects.exists()

    login(facilitator).post(url, data)
    assert Thread.objects.get().kind == "announcement"


def test_peripheral_newcomer_sees_the_asking_hint(login, member, community):
    page = text(login(member).get(reverse("forums:thread_create", args=[community.slug])))
    assert "There is no such thing as a silly question" in page


def test_non_member_cannot_start_a_thread_in_an_open_community(login, outsider, community):
    response = login(outsider).get(reverse("forums:thread_create", args=[community.slug]))
    assert response.status_code == 404


def test_reply_quote_edit_and_delete(login, member, core_member, community, facilitator):
    t = thread(member, community)
    client = login(core_member)
    url = reverse("forums:reply", args=[community.slug, t.pk])
    response = client.post(url, {"body": "We used a *logic model*."}, follow=True)
    assert "Thank you! Your reply is posted." in text(response)
    reply = Post.objects.get(number=2)
    assert "<em>logic model</em>" in reply.body_html
    t.refresh_from_db()
    assert (t.reply_count, t.last_post_author) == (1, core_member)

    # Quoting pre-fills the reply box.
    page = text(client.get(t.get_absolute_url() + f"?quote={reply.pk}"))
    assert f"{core_member.name} wrote:" in page

    # Editing keeps the history, which only facilitators can read.
    client.post(
        reverse("forums:post_edit", args=[community.slug, reply.pk]), {"body": "We used a theory of change."}
    )
    reply.refresh_from_db()
    assert reply.body == "We used a theory of change." and reply.edited_at
    history = reverse("forums:post_history", args=[community.slug, reply.pk])
    assert client.get(history).status_code == 404
    assert "We used a *logic model*." in text(login(facilitator).get(history))

    # Deleting leaves a placeholder.
    client = login(core_member)
    client.post(reverse("forums:post_delete", args=[community.slug, reply.pk]))
    page = text(client.get(t.get_absolute_url()))
    assert "This reply was deleted by its author." in page
    assert "theory of change" not in page
    t.refresh_from_db()
    assert t.reply_count == 0
    assert Activity.objects.filter(verb="post.created", target_id=reply.pk).get().withdrawn_at


def test_member_cannot_edit_someone_elses_post(login, member, core_member, community):
    t = thread(member, community)
    opening = t.posts.get()
    response = login(core_member).post(
        reverse("forums:post_edit", args=[community.slug, opening.pk]), {"body": "x", "title": "x"}
    )
    assert response.status_code == 404
    opening.refresh_from_db()
    assert opening.body == "We are starting a programme."


def test_accepting_an_answer_shows_it_first_and_marks_the_list(
    login, member, core_member, facilitator, community
):
    t = thread(member, community)
    from forums import services

    services.post_reply(facilitator, t, "First thoughts")
    answer = services.post_reply(core_member, t, "The real answer")
    # Only the asker or a facilitator may accept.
    login(core_member).post(reverse("forums:accept", args=[community.slug, answer.pk]))
    t.refresh_from_db()
    assert t.accepted_post is None

    client = login(member)
    response = client.post(reverse("forums:accept", args=[community.slug, answer.pk]), follow=True)
    assert "Marked as the accepted answer" in text(response)
    t.refresh_from_db()
    assert t.accepted_post == answer
    html = response.content.decode()
    assert html.index('id="answer"') < html.index('id="post-2"')
    listing = text(client.get(reverse("forums:thread_list", args=[community.slug])))
    assert "✓ Solved" in listing
    assert Activity.objects.filter(verb="answer.accepted").exists()


@pytest.mark.usefixtures("render_every_view")
def test_an_accepted_answer_on_a_later_page_is_shown_first_on_page_one_and_in_its_place(
    login, member, core_member, community, django_assert_num_queries
):
    from forums import services
    from forums.models import POSTS_PER_PAGE

    t = thread(member, community)
    for n in range(POSTS_PER_PAGE + 2):
        services.post_reply(core_member, t, f"Reply number {n}")
    answer = Post.objects.get(thread=t, number=POSTS_PER_PAGE + 2)
    client = login(member)
    client.post(reverse("forums:accept", args=[community.slug, answer.pk]))
    url = reverse("forums:thread_detail", args=[community.slug, t.pk])

    first = client.get(url).content.decode()
    assert first.index('id="post-1"') < first.index('id="answer"') < first.index('id="post-2"')
    assert f"Reply number {POSTS_PER_PAGE}" in first  # the answer's words, featured
    assert f'id="post-{answer.number}"' not in first  # its own place is on page 2
    second = client.get(url, {"page": 2}).content.decode()
    assert f'id="post-{answer.number}"' in second and 'id="answer"' not in second

    # The answer comes with the page's posts: page 1 costs what a page without one does.
    other = thread(member, community, title="No answer here")
    plain = reverse("forums:thread_detail", args=[community.slug, other.pk])
    client.get(plain)
    with django_assert_num_queries(5) as without:
        client.get(plain)
    queries = len(without.captured_queries)  # read now: each request resets the log
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)


def test_helpful_is_one_per_member_and_toggles(login, member, core_member, community):
    t = thread(member, community)
    opening = t.posts.get()
    client = login(core_member)
    url = reverse("forums:helpful", args=[community.slug, opening.pk])
    client.post(url)
    opening.refresh_from_db()
    assert opening.helpful_count == 1
    client.post(url)
    opening.refresh_from_db()
    assert opening.helpful_count == 0
    # Authors cannot mark their own post.
    login(member).post(url)
    opening.refresh_from_db()
    assert opening.helpful_count == 0


def test_new_accounts_may_post_only_a_few_links(login, outsider, community):
    from communities.services import join_community

    join_community(outsider, community)
    body = "See https://a.example and https://b.example and https://c.example"
    response = login(outsider).post(
        reverse("forums:thread_create", args=[community.slug]),
        {"kind": "discussion", "title": "Links", "body": body},
    )
    page = text(response)
    assert "New members can include up to 2 links" in page
    assert body in page  # nothing typed is lost
    assert not Thread.objects.exists()

    age(outsider)
    from forums.models import Post

    # Older accounts with a few posts are trusted.
    for i in range(3):
        thread(outsider, community, title=f"Question {i}")
    assert Post.objects.filter(author=outsider).count() == 3
    login(outsider).post(
        reverse("forums:thread_create", args=[community.slug]),
        {"kind": "discussion", "title": "Links", "body": body},
    )
    assert Thread.objects.filter(title="Links").exists()


def test_posting_rate_limit_keeps_the_text(login, member, community, rate_limits_on):
    t = thread(member, community)
    client = login(member)
    url = reverse("forums:reply", args=[community.slug, t.pk])
    for i in range(30):
        client.post(url, {"body": f"Reply {i}"})
    response = client.post(url, {"body": "One reply too many"})
    assert response.status_code == 400
    assert "You are posting very quickly" in text(response)
    assert "One reply too many" in text(response)
    assert not Post.objects.filter(body="One reply too many").exists()


def test_links_are_counted_once_each():
    from forums.services import count_links

    assert count_links("[one](https://a.example) and https://b.example and www.c.example") == 3
    assert count_links("no links here, just (brackets) and [notes]") == 0


def test_staff_may_reply_where_they_moderate(login, member, staff, community):
    t = thread(member, community)
    response = login(staff).post(reverse("forums:reply", args=[community.slug, t.pk]), {"body": "Staff note"})
    assert response.status_code == 302
    assert t.posts.filter(author=staff).exists()


def test_long_threads_link_a_few_pages_around_the_current_one():
    from forums.views.threads import _page_links

    assert _page_links(1, 1) == [1]
    assert _page_links(1, 40) == [1, 2, 3, None, 40]
    assert _page_links(20, 40) == [1, None, 18, 19, 20, 21, 22, None, 40]
