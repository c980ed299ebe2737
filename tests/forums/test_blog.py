"""The community blog: who may publish, draft/preview/publish, comments, tags, featuring."""

import pytest
from django.urls import reverse

from communities.models import Activity, Article, Community
from forums.models import BlogPost, Post
from forums.services import blog as services
from newsletters.issues import draft_for
from tests.factories import member_of
from tests.utils import words

pytestmark = pytest.mark.django_db


def write(client, community, action="publish", **fields):
    data = {"title": "What I learned from a failed business case", "summary": "Three lessons.",
            "body": "It **failed** because nobody owned the benefits.", "tags": "business cases, lessons",
            "action": action, **fields}  # fmt: skip
    return client.post(reverse("forums:blog_write", args=[community.slug]), data)


def publish(author, community, title="Lessons from go-live", **kwargs):
    post = services.save_blog_post(
        author, community, title=title, body="Body text.", tags=kwargs.pop("tags", ())
    )
    return services.publish_blog_post(author, post)


def test_a_member_previews_saves_a_draft_only_they_see_then_publishes(login, member, core_member, community):
    client = login(member)

    preview = write(client, community, action="preview")
    assert "Preview: not saved yet" in words(preview)
    assert "<strong>failed</strong>" in preview.content.decode()
    assert not BlogPost.objects.exists()

    response = write(client, community, action="draft")
    post = BlogPost.objects.get()
    assert response["Location"] == post.get_absolute_url()
    assert post.published_at is None
    assert login(core_member).get(post.get_absolute_url()).status_code == 404
    assert "Your drafts" in words(login(member).get(reverse("forums:blog", args=[community.slug])))

    login(member).post(
        reverse("forums:blog_edit", args=[community.slug, post.pk]),
        {"title": post.title, "body": post.body, "summary": "", "tags": "lessons", "action": "publish"},
    )
    post.refresh_from_db()
    assert post.published_at is not None and post.thread is not None
    page = words(login(core_member).get(post.get_absolute_url()))
    assert "What I learned from a failed business case" in page
    assert Activity.objects.current().filter(verb="blog.published").count() == 1
    assert not Activity.objects.current().filter(verb="thread.created").exists()  # the post is the news


def test_a_community_can_keep_its_blog_to_core_members_and_facilitators(
    login, member, core_member, facilitator, community
):
    Community.objects.filter(pk=community.pk).update(blog_publishers="core")
    assert write(login(member), community).status_code == 404
    assert write(login(core_member), community).status_code == 302
    assert write(login(facilitator), community).status_code == 302
    assert BlogPost.objects.published().count() == 2


def test_outsiders_cannot_write_and_closed_blogs_answer_404(
    login, member, outsider, community, closed_community
):
    post = publish(member, closed_community)
    assert write(login(outsider), community).status_code == 404
    assert login(outsider).get(post.get_absolute_url()).status_code == 404
    assert login(outsider).get(reverse("forums:blog", args=[closed_community.slug])).status_code == 404
    assert (
        login(outsider)
        .get(reverse("forums:blog_author", args=[closed_community.slug, member.pk]))
        .status_code
        == 404
    )


def test_comments_are_replies_in_the_posts_discussion(login, member, core_member, outsider, community):
    post = publish(member, community)
    url = reverse("forums:blog_comment", args=[community.slug, post.pk])

    response = login(core_member).post(url, {"body": "Thank you, very *useful*."})

    comment = Post.objects.get(thread=post.thread, number=2)
    assert response["Location"] == f"{post.get_absolute_url()}#comment-2"
    assert comment.author == core_member
    page = words(login(member).get(post.get_absolute_url()))
    assert "Comments (1) Cora Core" in page and "Thank you, very useful" in page
    login(outsider).post(url, {"body": "Spam"})
    assert Post.objects.filter(thread=post.thread).count() == 2


def test_tags_filter_the_list_and_author_pages_list_an_authors_posts(
    client, login, member, core_member, community
):
    publish(member, community, title="About risk", tags=["risk"])
    publish(core_member, community, title="About benefits", tags=["benefits"])
    client = login(member)

    tagged = words(client.get(reverse("forums:blog", args=[community.slug]), {"tag": "risk"}))
    assert "About risk" in tagged and "About benefits" not in tagged
    authored = words(client.get(reverse("forums:blog_author", args=[community.slug, core_member.pk])))
    assert "Posts by Cora Core" in authored and "About benefits" in authored and "About risk" not in authored


def test_facilitators_feature_a_post_on_the_home_and_make_it_the_article_of_the_month(
    login, facilitator, member, community
):
    post = publish(member, community, title="Benefits that stuck")
    publish(member, community, title="A newer post")
    client = login(facilitator)
    feature = reverse("forums:blog_feature", args=[community.slug, post.pk])

    client.post(feature, {"featured": "1"})
    client.post(feature, {"article": "1"})

    home = words(login(member).get(community.get_absolute_url()))
    assert home.index("Benefits that stuck") < home.index("A newer post")
    article = Article.objects.get()
    assert article.title == "Benefits that stuck" and article.url.endswith(post.get_absolute_url())
    assert login(member).post(feature, {"featured": "0"}).status_code == 404


def test_blog_posts_are_in_the_newsletter_draft(member, community):
    publish(member, community, title="Benefits that stuck")
    subject, body = draft_for(community)
    assert "From the blog" in body and "Benefits that stuck" in body


def test_the_blog_list_costs_the_same_queries_with_few_or_many_posts(
    login, member, community, django_assert_num_queries
):
    publish(member, community, tags=["one"])
    client = login(member)
    url = reverse("forums:blog", args=[community.slug])
    client.get(url)
    # session, user, community (+ my membership), count, posts, their tags, my drafts (the
    # layout's unread notifications and sidebar are cached per member)
    with django_assert_num_queries(7):
        client.get(url)
    for i in range(12):
        publish(member_of(community), community, title=f"Post {i}", tags=[f"t{i}", "x"])
    with django_assert_num_queries(7):
        client.get(url)
