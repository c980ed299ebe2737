"""A member downloads everything held about them, and can delete their account."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress

from communities.models import Membership
from cop_platform.accounts.models import SecurityEvent, User
from tests.communities.repertoire_utils import media_root, pdf_file, upload  # noqa: F401 - fixture
from tests.factories import member_of
from tests.forums.helpers import thread
from tests.utils import text

pytestmark = pytest.mark.django_db


def test_the_download_holds_my_profile_posts_memberships_and_files_but_no_secrets(login, member, community):
    thread(member, community, title="How do you baseline benefits?")
    upload(member, community, title="My toolkit", file=pdf_file(name="toolkit.pdf"))
    response = login(member).post("/account/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == member.email
    assert any(row["title"] == "How do you baseline benefits?" for row in data["records"]["forums.Thread"])
    assert {row["community"] for row in data["records"]["communities.Membership"]} >= {community.pk}
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert any(archive.read(name).startswith(b"%PDF") for name in files)
    assert member.password not in response.content.decode("latin-1")
    assert "password" not in json.dumps(data["profile"])
    assert SecurityEvent.objects.filter(user=member, kind="data_exported").exists()


def test_deleting_my_account_keeps_my_posts_as_former_member(login, member, community, password):
    t = thread(member, community, title="A question that others answered")
    client = login(member)
    response = client.post("/account/delete/", {"password": password})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Former member"
    assert not member.is_active and not member.has_usable_password()
    assert "deleted.invalid" in member.email
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not Membership.objects.filter(user=member, state=Membership.State.ACTIVE).exists()
    assert client.get("/notifications/").status_code == 302  # signed out
    viewer = member_of(community)
    page = text(login(viewer).get(t.get_absolute_url()))
    assert "A question that others answered" in page and "Former member" in page
    assert "Mo Member" not in page


def test_deleting_needs_the_password(login, member, password):
    response = login(member).post("/account/delete/", {"password": "wrong"})
    assert "That password is not right" in text(response)
    assert User.objects.get(pk=member.pk).is_active


def test_the_last_facilitator_is_asked_to_hand_over_first(login, facilitator, member, community, password):
    client = login(facilitator)
    page = text(client.get("/account/delete/"))
    assert "You are the only facilitator of" in page and community.name in page
    client.post("/account/delete/", {"password": password})
    assert User.objects.get(pk=facilitator.pk).is_active
