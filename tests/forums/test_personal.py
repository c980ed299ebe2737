"""Day-one forum features: reactions, bookmarks and "Saved", drafts, preview, @mentions,
images in posts and user cards. Each follows the same visibility rule as the thread."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from forums.models import Bookmark, Draft, Post, PostImage, Reaction
from tests.factories import member_of
from tests.utils import text, words

from .helpers import age, bulk_thread_with_posts
from .helpers import thread as make_thread

pytestmark = pytest.mark.django_db


def png(width=2400, height=1200, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "screenshot.png"
    return buffer


@pytest.mark.parametrize("rows", [1, 40])
@pytest.mark.usefixtures("render_every_view")
def test_thread_page_costs_the_same_with_reactions_bookmarks_drafts_and_images(
    login, member, community, django_assert_num_queries, rows, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    t = bulk_thread_with_posts(community, member, 30)
    posts = list(Post.objects.filter(thread=t).order_by("number")[:rows])
    others = [member_of(community) for _ in range(min(rows, 8))]
    Reaction.objects.bulk_create(
        Reaction(post=p, user=u, kind=kind) for p in posts for u in others for kind in ("agree", "thanks")
    )
    Reaction.objects.bulk_create(Reaction(post=p, user=member, kind="insightful") for p in posts)
    Bookmark.objects.bulk_create(Bookmark(post=p, user=member) for p in posts)
    Draft.objects.create(user=member, key=f"reply:{t.pk}", body="Half a thought")
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        body_html='<p><img src="/communities/benefits/images/abc.jpg" alt="image"></p>'
    )
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        reaction_counts={"agree": len(others), "thanks": len(others), "insightful": 1}
    )
    client = login(member)
    url = reverse("forums:thread_detail", args=[community.slug, t.pk])
    client.get(url)
    # The same five queries as a thread without them (tests/forums/test_query_counts.py):
    # 1 session, 2 user, 3 thread + membership + overlay (read mark, watching, reply draft),
    # 4 the page's helpful marks, reactions and bookmarks (one UNION ALL), 5 its thanks; the
    # posts and tags from the community's cache, the layout's sidebar and counts from the member's
    with django_assert_num_queries(5):
        response = client.get(url)
    page = text(response)
    assert "Half a thought" in page
    assert page.count('aria-pressed="true">Saved</button>') == min(rows, 25)  # 25 posts a page
    assert page.count("💡</span> 1<") == min(rows, 25)  # the counts stored on each post


def test_a_member_reacts_to_a_post_and_takes_it_back(login, member, core_member, community):
    age(core_member)
    t = make_thread(core_member, community)
    opening = t.posts.get(number=1)
    client = login(member)
    url = reverse("forums:react", args=[community.slug, opening.pk])

    page = words(client.post(url, {"kind": "thanks"}, follow=True))
    assert "🙏 1 Thanks" in page
    client.post(url, {"kind": "thanks"})
    assert not Reaction.objects.exists()

    client.post(url, {"kind": "not-a-reaction"})
    assert not Reaction.objects.exists()


def test_with_htmx_a_reaction_bookmark_or_helpful_mark_answers_with_the_post_and_its_message(
    login, member, core_member, community, django_assert_max_num_queries
):
    age(core_member)
    t = make_thread(core_member, community)
    opening = t.posts.get(number=1)
    client = login(member)
    htmx = {"HTTP_HX_REQUEST": "true"}

    response = client.post(
        reverse("forums:react", args=[community.slug, opening.pk]), {"kind": "thanks"}, **htmx
    )
    assert response.status_code == 200  # the post itself, not a redirect
    html = response.content.decode()
    assert html.lstrip().startswith("<article") and 'id="post-1"' in html
    assert "🙏 1 Thanks" in words(response) and 'aria-pressed="true"' in html
    assert 'csrfmiddlewaretoken" value="' in html and "hx-post=" in html  # still usable

    response = client.post(reverse("forums:bookmark", args=[community.slug, opening.pk]), **htmx)
    assert 'id="messages"' in response.content.decode() and 'hx-swap-oob="true"' in response.content.decode()
    assert (
        "Saved for later" in text(response)
        and 'aria-pressed="true">Saved</button>' in response.content.decode()
    )
    assert "Saved for later" not in text(client.get(t.get_absolute_url()))  # shown once, not again

    response = client.post(reverse("forums:helpful", args=[community.slug, opening.pk]), **htmx)
    assert "1 found this helpful" in text(response)

    # Without JavaScript the same forms post and come back to the post.
    plain = client.post(reverse("forums:react", args=[community.slug, opening.pk]), {"kind": "thanks"})
    assert plain.status_code == 302 and plain["Location"].endswith("#post-1")


def test_similar_threads_wait_for_a_title_that_says_enough(login, member, community):
    make_thread(member, community, title="Baselines for benefits before the project starts")
    client = login(member)
    url = reverse("forums:similar", args=[community.slug])
    assert "Baselines for benefits" in text(client.get(url, {"title": "Benefits baselines?"}))
    assert text(client.get(url, {"title": "Benefit"})).strip() == ""


def test_authors_cannot_react_to_themselves_and_outsiders_get_404(
    login, core_member, outsider, closed_community, facilitator
):
    t = make_thread(facilitator, closed_community)
    opening = t.posts.get(number=1)
    url = reverse("forums:react", args=[closed_community.slug, opening.pk])

    login(facilitator).post(url, {"kind": "agree"})
    assert not Reaction.objects.exists()
    assert login(outsider).post(url, {"kind": "agree"}).status_code == 404


def test_saved_posts_are_listed_and_vanish_when_the_member_may_no_longer_see_them(
    login, member, facilitator, closed_community
):
    t = make_thread(facilitator, closed_community, title="Gateway review checklists")
    opening = t.posts.get(number=1)
    client = login(member)
    client.post(reverse("forums:bookmark", args=[closed_community.slug, opening.pk]))

    assert "Gateway review checklists" in text(client.get(reverse("forums:saved")))

    member.memberships.filter(community=closed_community).update(state="left")
    assert "Gateway review checklists" not in text(client.get(reverse("forums:saved")))


def test_a_draft_follows_the_member_to_another_device_and_goes_when_posted(
    login, member, core_member, community
):
    age(core_member)
    age(member)
    t = make_thread(core_member, community)
    login(member).post(reverse("forums:draft"), {"key": f"reply:{t.pk}", "body": "We used a benefits map"})

    other_device = login(member)
    assert "We used a benefits map" in text(other_device.get(t.get_absolute_url()))

    other_device.post(
        reverse("forums:reply", args=[community.slug, t.pk]), {"body": "We used a benefits map."}
    )
    assert not Draft.objects.exists()
    assert other_device.post(reverse("forums:draft"), {"key": "nonsense", "body": "x"}).status_code == 400


def test_preview_renders_markdown_as_it_will_be_stored(login, member):
    response = login(member).post(reverse("markdown_preview"), {"body": "**bold** <script>x</script>"})
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_mentions_suggest_only_people_who_may_read_the_thread(
    login, facilitator, member, closed_community, outsider
):
    outsider.display_name = "Mona Outsider"
    outsider.save()
    t = make_thread(facilitator, closed_community)

    response = login(facilitator).get(
        reverse("forums:mentions", args=[closed_community.slug, t.pk]), {"q": "Mo"}
    )

    names = [p["name"] for p in response.json()["people"]]
    assert names == ["Mo Member"]
    assert (
        login(outsider)
        .get(reverse("forums:mentions", args=[closed_community.slug, t.pk]), {"q": "Mo"})
        .status_code
        == 404
    )


def test_an_image_is_reencoded_resized_and_served_only_to_readers(
    login, member, outsider, closed_community, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(member)
    response = client.post(reverse("forums:image_upload", args=[closed_community.slug]), {"image": png()})

    assert response.status_code == 200
    url = response.json()["url"]
    assert response.json()["markdown"] == f"![image]({url})"
    stored = PostImage.objects.get()
    assert (stored.width, stored.height) == (1600, 800) and stored.extension == "jpg"
    served = client.get(url)
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert login(outsider).get(url).status_code == 404

    fake = io.BytesIO(b"<html>not an image</html>")
    fake.name = "x.png"
    refused = login(member).post(
        reverse("forums:image_upload", args=[closed_community.slug]), {"image": fake}
    )
    assert refused.status_code == 400 and "could not be read" in refused.json()["error"]


def test_the_user_card_shows_role_expertise_and_message_but_no_closed_roles_to_outsiders(
    login, member, facilitator, community, closed_community, outsider
):
    facilitator.expertise.add("benefit maps")
    card = words(login(member).get(reverse("user_card", args=[facilitator.pk])))
    assert "Facilitator in Assurance Reviewers" in card and "benefit maps" in card and "Message" in card

    card = words(login(outsider).get(reverse("user_card", args=[facilitator.pk])))
    assert "Assurance Reviewers" not in card and "Facilitator in Benefits Realisation" in card


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.usefixtures("render_every_view")
def test_lists_cost_the_same_with_reactions_bookmarks_drafts_images_and_photos(
    login, member, community, django_assert_num_queries, rows
):
    """The discussions list, the Saved page and the members list, with 1 or 30 of each."""
    from forums.models import Thread

    from .helpers import bulk_threads

    bulk_threads(community, member, rows)
    others = [member_of(community) for _ in range(rows)]
    for person in [member, *others]:
        person.avatar = f"{person.pk:060d}.webp"  # a stored photo's name: a column, no join
        person.save(update_fields=["avatar"])
    threads = list(Thread.objects.filter(community=community))
    posts = Post.objects.bulk_create(
        Post(thread=t, community=community, author=others[i], number=1, body="See ![chart](x.png)",
             body_html='<p><img src="/communities/benefits/images/abc.jpg" alt="chart"></p>',
             reaction_counts={"thanks": 1})
        for i, t in enumerate(threads)
    )  # fmt: skip
    Reaction.objects.bulk_create(Reaction(post=p, user=member, kind="thanks") for p in posts)
    Bookmark.objects.bulk_create(Bookmark(post=p, user=member) for p in posts)
    Draft.objects.bulk_create(Draft(user=member, key=f"reply:{t.pk}", body="Half a thought") for t in threads)
    client = login(member)
    pages = [
        # as without them (tests/forums/test_query_counts.py)
        (reverse("forums:thread_list", args=[community.slug]), 4, "Thread "),
        (reverse("forums:saved"), SAVED_QUERIES, "See"),
        (reverse("communities:members", args=[community.slug]), MEMBERS_QUERIES, "avatar--photo"),
    ]
    for url, queries, shown in pages:
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert shown in response.content.decode()


# Saved: session, user, count, the page of bookmarks (with posts, threads, communities, authors);
# the sidebar and unread counts are cached per member (cop_platform/memberstate.py). Members: the same 7 as without photos (the photo is a column of
# the user row the page already loads).
SAVED_QUERIES = 4
MEMBERS_QUERIES = 7
