import datetime

import pytest
from django.urls import reverse

from communities.models import Activity, Document, DocumentVersion
from tests.communities.repertoire_utils import docx_file, media_root, pdf_file, text_file, upload  # noqa: F401
from tests.factories import member_of
from tests.utils import text

pytestmark = pytest.mark.django_db


def _download_body(response):
    return b"".join(response.streaming_content)


def test_member_uploads_a_document_and_it_is_listed_with_its_details(login, member, community, on_commit):
    url = reverse("communities:document_upload", args=[community.slug])
    with on_commit:
        response = login(member).post(
            url,
            {"title": "Benefits map toolkit", "kind": "toolkit", "description": "How we **map** benefits",
             "tags": "benefits, maps", "upload": pdf_file()},
            follow=True,
        )  # fmt: skip

    assert "Thank you for sharing “Benefits map toolkit”." in text(response)
    document = Document.objects.get()
    assert (document.uploaded_by, document.version_count, document.kind) == (member, 1, "toolkit")
    version = document.current_version
    assert version.content_type == "application/pdf"
    assert version.original_name == "toolkit.pdf"
    assert "map the benefits" in version.text  # words inside the PDF, for search
    assert Activity.objects.filter(verb="document.uploaded", target_id=document.pk).exists()
    listing = text(login(member).get(reverse("communities:library", args=[community.slug])))
    assert "Benefits map toolkit" in listing
    assert "PDF" in listing and "0 downloads" in listing and "Mo Member" in listing


def test_new_version_keeps_every_earlier_version_downloadable(login, member, community):
    document = upload(member, community, file=pdf_file(lines=["Version one"]))
    client = login(member)
    response = client.post(
        reverse("communities:document_new_version", args=[community.slug, document.pk]),
        {"upload": docx_file(name="toolkit-v2.docx"), "note": "Now in Word"},
        follow=True,
    )

    assert "Version 2 is now the current version." in text(response)
    document.refresh_from_db()
    assert document.version_count == 2
    assert document.current_version.number == 2
    assert Activity.objects.filter(verb="document.versioned").count() == 1
    first = client.get(reverse("communities:document_download", args=[community.slug, document.pk, 1]))
    second = client.get(reverse("communities:document_download", args=[community.slug, document.pk, 2]))
    assert _download_body(first).startswith(b"%PDF-")
    assert _download_body(second).startswith(b"PK")
    assert second["Content-Disposition"] == 'attachment; filename="toolkit-v2.docx"'
    document.refresh_from_db()
    assert document.download_count == 2
    assert list(DocumentVersion.objects.order_by("number").values_list("download_count", flat=True)) == [1, 1]


def test_download_is_an_attachment_with_nosniff_and_the_detected_type(login, member, community):
    document = upload(member, community, file=text_file(name="notes.md", lines=["# Notes"]))
    response = login(member).get(
        reverse("communities:document_download", args=[community.slug, document.pk, 1])
    )

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("who", ["outsider", "pending", "anon"])
def test_closed_community_documents_and_every_version_answer_404_to_non_members(
    request, client, login, member, closed_community, who
):
    document = upload(member, closed_community)
    from communities.repertoire import services

    services.add_version(member, document, upload=pdf_file(lines=["v2"]))
    if who != "anon":
        client = login(request.getfixturevalue(who))
    slug = closed_community.slug
    urls = [
        reverse("communities:library", args=[slug]),
        reverse("communities:document_detail", args=[slug, document.pk]),
        reverse("communities:document_download", args=[slug, document.pk, 1]),
        reverse("communities:document_download", args=[slug, document.pk, 2]),
        reverse("communities:document_download", args=[slug, document.pk, 3]),
        reverse("communities:repertoire_search", args=[slug]) + "?q=toolkit",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert Document.objects.get().download_count == 0


def test_a_document_is_not_found_through_another_community(login, member, community, closed_community):
    document = upload(member, closed_community)
    url = reverse("communities:document_download", args=[community.slug, document.pk, 1])

    assert login(member).get(url).status_code == 404


def test_html_renamed_pdf_is_refused_and_other_fields_are_kept(login, member, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile(
        "report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf"
    )
    response = login(member).post(
        reverse("communities:document_upload", args=[community.slug]),
        {"title": "My report", "kind": "guide", "description": "Kept text", "upload": fake},
    )

    page = text(response)
    assert response.status_code == 200
    assert "Web pages (HTML) and other markup files cannot be uploaded" in page
    assert 'value="My report"' in page and "Kept text" in page
    assert not Document.objects.exists()


def test_text_renamed_pdf_is_refused_because_content_and_name_disagree(login, member, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("report.pdf", b"just some words", "application/pdf")
    response = login(member).post(
        reverse("communities:document_upload", args=[community.slug]),
        {"title": "My report", "kind": "guide", "upload": fake},
    )

    assert "The file's name ends in .pdf but its content is a Text file." in text(response)
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_clearly_and_keeps_the_other_fields(
    login,
    member,
    community,
    settings,
    media_root,  # noqa: F811 - the fixture imported above
):
    settings.MAX_UPLOAD_BYTES = 2000
    big = pdf_file(lines=["x" * 60] * 60)  # a real PDF, larger than 2000 bytes
    assert big.size > 2000 and not f"{big.size / 1024:.1f}".endswith(".0")
    response = login(member).post(
        reverse("communities:document_upload", args=[community.slug]),
        {"title": "Big toolkit", "kind": "toolkit", "description": "Please keep me", "upload": big},
    )

    page = text(response)
    assert response.status_code == 200
    assert f"This file is {big.size / 1024:.1f} KB; the limit is 2 KB." in page
    assert 'value="Big toolkit"' in page and "Please keep me" in page
    assert not Document.objects.exists()
    assert not (media_root / "repository").exists()  # nothing stored


def test_upload_still_checks_csrf(client, member, community):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    response = csrf_client.post(
        reverse("communities:document_upload", args=[community.slug]), {"title": "x", "upload": pdf_file()}
    )

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_only_uploader_or_facilitator_may_add_a_version(login, member, core_member, facilitator, community):
    document = upload(member, community)
    url = reverse("communities:document_new_version", args=[community.slug, document.pk])

    assert login(core_member).get(url).status_code == 404
    assert login(facilitator).get(url).status_code == 200


def test_non_members_of_an_open_community_read_but_cannot_upload(login, outsider, member, community):
    document = upload(member, community)
    client = login(outsider)

    assert (
        client.get(reverse("communities:document_detail", args=[community.slug, document.pk])).status_code
        == 200
    )
    assert client.get(reverse("communities:document_upload", args=[community.slug])).status_code == 404


def test_library_filters_by_kind_and_tag_and_sorts_by_downloads(login, member, community):
    toolkit = upload(member, community, title="Alpha toolkit", kind="toolkit", tags=["maps"])
    upload(member, community, title="Beta slides", kind="presentation")
    Document.objects.filter(pk=toolkit.pk).update(download_count=0)
    Document.objects.exclude(pk=toolkit.pk).update(download_count=9)
    client = login(member)
    url = reverse("communities:library", args=[community.slug])

    assert "Beta slides" not in text(client.get(url, {"kind": "toolkit"}))
    assert "Beta slides" not in text(client.get(url, {"tag": "maps"}))
    page = text(client.get(url, {"sort": "downloads"}))
    assert page.index("Beta slides") < page.index("Alpha toolkit")


def test_library_query_count_does_not_grow_with_documents_and_versions(
    login, member, community, django_assert_num_queries
):
    from communities.repertoire import services

    client = login(member)
    url = reverse("communities:library", args=[community.slug])
    upload(member, community, title="Only one")
    client.get(url)  # warm the session

    # Queries: session, user, community, membership, sidebar communities, unread notifications,
    # document count (paginator), documents with current version, uploader and theme, tags prefetch.
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(6):
        document = upload(member, community, title=f"Toolkit {n}", tags=["a", "b"])
        services.add_version(member, document, upload=pdf_file(lines=[f"v2 of {n}"]))
    with django_assert_num_queries(9):
        response = client.get(url)
    assert "Toolkit 5" in text(response)


def test_document_page_query_count_does_not_grow_with_versions(
    login, member, community, django_assert_num_queries
):
    from communities.repertoire import services

    client = login(member)
    document = upload(member, community)
    url = reverse("communities:document_detail", args=[community.slug, document.pk])
    client.get(url)
    # Queries: session, user, community, membership, document with uploader and theme, versions with
    # uploaders, tags, sidebar communities, unread notifications.
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(4):
        services.add_version(member, document, upload=pdf_file(lines=[f"v{n}"]))
    with django_assert_num_queries(9):
        response = client.get(url)
    assert "Version 5" in text(response)


def test_search_finds_words_inside_pdf_and_word_files_for_those_who_may_see_them(
    login, member, outsider, community, closed_community, on_commit
):
    with on_commit:  # text extraction runs in a task after the upload commits
        upload(member, community, title="Toolkit", file=pdf_file(lines=["Gateway review checklist"]))
        upload(member, community, title="Template", file=docx_file(paragraphs=["Dis-benefits register"]))
        upload(member, closed_community, title="Secret", file=pdf_file(lines=["Gateway review secrets"]))
    url = reverse("communities:repertoire_search", args=[community.slug])

    page = text(login(member).get(url, {"q": "gateway review"}))
    assert "Toolkit" in page and "Secret" not in page
    assert "Template" in text(login(member).get(url, {"q": "dis-benefits"}))

    from communities.repertoire.search import search_repertoire

    assert [d.title for d in search_repertoire(outsider, "gateway").documents] == ["Toolkit"]
    assert {d.title for d in search_repertoire(member, "gateway").documents} == {"Toolkit", "Secret"}


def test_pending_member_cannot_upload_to_closed_community(closed_community, pending):
    from communities.services import CommunityError

    with pytest.raises(CommunityError):
        upload(pending, closed_community)


def test_member_of_one_community_only(login, community):
    somebody = member_of(community)
    assert login(somebody).get(reverse("communities:library", args=["assurance"])).status_code == 404


def test_uploader_edits_details_and_attaches_to_a_theme(login, member, facilitator, community):
    from communities.repertoire import services

    theme = services.create_theme(
        facilitator,
        community,
        title="Assurance",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 2, 1),
    )
    document = upload(member, community)
    response = login(member).post(
        reverse("communities:document_edit", args=[community.slug, document.pk]),
        {"title": "Renamed toolkit", "kind": "guide", "description": "", "tags": "x", "theme": theme.pk},
        follow=True,
    )

    assert "The document's details are saved." in text(response)
    document.refresh_from_db()
    assert (document.title, document.kind, document.theme) == ("Renamed toolkit", "guide", theme)


def test_others_cannot_edit_a_document(login, core_member, member, community):
    document = upload(member, community)
    url = reverse("communities:document_edit", args=[community.slug, document.pk])

    assert login(core_member).post(url, {"title": "Mine now", "kind": "guide"}).status_code == 404
    document.refresh_from_db()
    assert document.title == "Benefits toolkit"


def test_facilitator_deletes_a_document_with_every_version_file(
    login,
    member,
    core_member,
    facilitator,
    community,
    media_root,  # noqa: F811 - the fixture imported above
    on_commit,
):
    from communities.repertoire import services

    document = upload(member, community)
    services.add_version(member, document, upload=pdf_file(lines=["v2"]))
    url = reverse("communities:document_delete", args=[community.slug, document.pk])
    stored = sorted(p.name for p in (media_root / "repository").rglob("*") if p.is_file())
    assert len(stored) == 2

    assert login(core_member).post(url).status_code == 404
    with on_commit:
        response = login(facilitator).post(url, follow=True)

    assert "“Benefits toolkit” and all its versions were deleted." in text(response)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert [p for p in (media_root / "repository").rglob("*") if p.is_file()] == []
    assert Activity.objects.get(verb="document.uploaded").withdrawn_at is not None


def test_on_postgresql_search_matches_word_forms_in_any_order(member, community, on_commit):
    from django.db import connection

    from communities.repertoire.search import search_repertoire

    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL only; SQLite uses containment")
    with on_commit:
        upload(
            member,
            community,
            title="Toolkit",
            file=pdf_file(lines=["Owners of the benefits sign the reviews"]),
        )

    assert [d.title for d in search_repertoire(member, "benefit owner reviewing").documents] == ["Toolkit"]
    assert search_repertoire(member, "unrelated words").documents == []
