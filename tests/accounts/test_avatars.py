"""Profile photos: uploaded, checked by content, re-encoded to a square and shown where the
initials were; served only to those who may see the profile."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from communities import activity
from tests.utils import text

pytestmark = pytest.mark.django_db

PROFILE = {
    "display_name": "Mo Member",
    "organisation": "Leeds",
    "timezone": "Europe/London",
    "profile_visibility": "everyone",
    "show_last_active": "on",
}


def png_upload(width=600, height=400, name="me.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, **extra):
    return client.post(reverse("accounts:edit_profile"), {**PROFILE, **extra})


def test_an_uploaded_photo_is_re_encoded_to_a_square_and_shown_on_the_profile_and_header(
    login, member, media
):
    client = login(member)
    original = png_upload()
    original_bytes = original.getvalue()
    assert upload(client, photo=original).status_code == 302

    member.refresh_from_db()
    assert member.avatar.endswith(".webp")
    page = client.get(member.get_absolute_url()).content.decode()
    assert page.count(f'src="{member.avatar_url}"') == 2  # the profile head and the account menu

    response = client.get(member.avatar_url)
    served = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"]
    assert served != original_bytes
    assert Image.open(io.BytesIO(served)).size == (256, 256)
    assert (media / "avatars" / member.avatar).exists()


def test_a_file_that_is_not_an_image_is_refused_with_a_message_and_the_typed_fields_stay(login, member):
    fake = io.BytesIO(b"%PDF-1.4 not a picture at all")
    fake.name = "holiday.png"
    response = upload(login(member), photo=fake, job_title="Analyst")

    assert response.status_code == 200
    assert "This image could not be read" in text(response)
    assert 'value="Analyst"' in response.content.decode()
    member.refresh_from_db()
    assert member.avatar == "" and member.job_title != "Analyst"


def test_removing_the_photo_brings_back_the_initials(login, member, media):
    client = login(member)
    upload(client, photo=png_upload())
    member.refresh_from_db()
    name = member.avatar

    upload(client, remove_photo="on")
    member.refresh_from_db()
    assert member.avatar == ""
    assert 'class="avatar avatar--lg"' in client.get(member.get_absolute_url()).content.decode()
    assert client.get(reverse("avatar", args=[member.pk, name])).status_code == 404


def test_only_those_who_may_see_the_profile_get_the_photo(client, login, member, core_member, outsider):
    upload(login(member), photo=png_upload(), profile_visibility="members")
    member.refresh_from_db()
    url = member.avatar_url

    assert login(core_member).get(url).status_code == 200  # shares a community
    assert login(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert login(core_member).get(reverse("avatar", args=[member.pk, "0" * 64 + ".webp"])).status_code == 404


def test_the_community_feed_and_a_profile_cost_the_same_queries_with_photos(
    login, member, core_member, community, django_assert_num_queries, django_assert_max_num_queries
):
    activity.record(community, member, "blog.published", "Blog: one")
    client = login(core_member)
    home = reverse("home")
    client.get(member.get_absolute_url())  # the first page of the day also records presence
    with django_assert_max_num_queries(100) as profile_before:
        client.get(member.get_absolute_url())
    profile_queries = len(profile_before.captured_queries)  # read now: each request resets the log
    client.get(home)
    with django_assert_max_num_queries(100) as without:
        client.get(home)
    home_queries = len(without.captured_queries)

    upload(login(member), photo=png_upload())
    member.refresh_from_db()
    client = login(core_member)
    client.get(member.get_absolute_url())
    with django_assert_num_queries(profile_queries):
        page = client.get(member.get_absolute_url())
    assert member.avatar_url in page.content.decode()
    client.get(home)
    with django_assert_num_queries(home_queries):
        page = client.get(home)
    assert member.avatar_url in page.content.decode()


@pytest.mark.usefixtures("render_every_view")
def test_posts_and_the_members_list_show_the_photo_and_a_new_photo_replaces_the_cached_one(
    login, member, core_member, community, django_assert_num_queries, django_assert_max_num_queries
):
    from forums.services import start_thread

    thread = start_thread(member, community, title="Photos on posts", body="Hello")
    url = reverse("forums:thread_detail", args=[community.slug, thread.pk])
    members = reverse("communities:members", args=[community.slug])
    client = login(core_member)
    client.get(url)
    with django_assert_max_num_queries(100) as counted:
        client.get(members)
    members_queries = len(counted.captured_queries)

    upload(login(member), photo=png_upload())
    member.refresh_from_db()
    client = login(core_member)
    client.get(url)  # the post's fragment was cached with the initials: a new photo is a new key
    with django_assert_num_queries(5):  # as without photos (tests/forums/test_query_counts.py)
        page = client.get(url).content.decode()
    assert f'src="{member.avatar_url}"' in page
    with django_assert_num_queries(members_queries):
        assert f'src="{member.avatar_url}"' in client.get(members).content.decode()

    first = member.avatar_url
    other = io.BytesIO()
    Image.new("RGB", (300, 500), "orange").save(other, "PNG")
    other.seek(0)
    other.name = "other.png"
    upload(login(member), photo=other)
    member.refresh_from_db()
    assert member.avatar_url != first
    page = login(core_member).get(url).content.decode()
    assert f'src="{member.avatar_url}"' in page and first not in page
