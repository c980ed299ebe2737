"""Connection to the world: link previews and the sitemap show open communities only."""

import re

import pytest
from django.urls import reverse

from communities.models import Community, Theme
from forums.services import blog
from tests.hotseats.conftest import make_hotseat

pytestmark = pytest.mark.django_db


def og(response):
    """{property: content} of the page's OpenGraph and Twitter tags."""
    html = response.content.decode()
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)"', html))


def post_in(community, author, title):
    post = blog.save_blog_post(author, community, title=title, summary=f"Summary of {title}", body="Body.")
    return blog.publish_blog_post(author, post)


def test_open_communitys_pages_carry_previews_for_signed_out_visitors(client, member, community):
    post = post_in(community, member, "Benefits that stuck")
    hotseat = make_hotseat(community, state="closed", title="Benefits after go-live")

    home = og(client.get(community.get_absolute_url()))
    article = og(client.get(post.get_absolute_url()))
    transcript = og(client.get(reverse("hotseats:transcript", args=[community.slug, hotseat.pk])))

    assert home["og:title"] == "Benefits Realisation" and home["twitter:card"] == "summary"
    assert article["og:type"] == "article"
    assert article["og:title"] == "Benefits that stuck"
    assert article["og:description"] == "Summary of Benefits that stuck"
    assert article["og:url"] == f"http://testserver{post.get_absolute_url()}"
    assert transcript["og:title"] == "Transcript: Benefits after go-live"


def test_nothing_of_a_closed_community_is_described_even_to_its_members(login, member, closed_community):
    post = post_in(closed_community, member, "Private lessons")
    hotseat = make_hotseat(closed_community, state="closed")
    client = login(member)

    for url in (closed_community.get_absolute_url(), post.get_absolute_url(),
                reverse("hotseats:transcript", args=[closed_community.slug, hotseat.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert og(response) == {}
        assert 'property="og:' not in response.content.decode()


def test_the_sitemap_lists_public_pages_of_open_communities_only(client, member, community, closed_community):
    open_post = post_in(community, member, "Open post")
    closed_post = post_in(closed_community, member, "Closed post")
    draft = blog.save_blog_post(member, community, title="Draft", body="Not yet.")
    open_transcript = make_hotseat(community, state="closed")
    closed_transcript = make_hotseat(closed_community, state="closed")
    Theme.objects.create(community=closed_community, title="Secret theme", slug="secret",
                         starts_on="2026-01-01", ends_on="2026-02-01")  # fmt: skip
    proposed = Community.objects.create(name="Proposed", slug="proposed", status=Community.Status.PROPOSED)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    assert f"http://testserver{community.get_absolute_url()}" in xml
    assert open_post.get_absolute_url() in xml
    assert reverse("hotseats:transcript", args=[community.slug, open_transcript.pk]) in xml
    for hidden in (closed_community.get_absolute_url(), closed_post.get_absolute_url(), draft.get_absolute_url(),
                   reverse("hotseats:transcript", args=[closed_community.slug, closed_transcript.pk]),
                   proposed.get_absolute_url(), "secret", "assurance"):  # fmt: skip
        assert hidden not in xml


def test_the_sitemap_costs_the_same_queries_with_one_or_many_pages(
    client, member, community, django_assert_num_queries
):
    post_in(community, member, "One")
    make_hotseat(community, state="closed")
    Theme.objects.create(
        community=community, title="T", slug="t", starts_on="2026-01-01", ends_on="2026-02-01"
    )
    # two queries per section (a count for the paginator, then the rows): communities, blog
    # posts, transcripts, themes
    with django_assert_num_queries(8):
        client.get("/sitemap.xml")
    for i in range(10):
        post_in(community, member, f"Post {i}")
        make_hotseat(community, state="closed")
    with django_assert_num_queries(8):
        client.get("/sitemap.xml")
