"""Text extraction: its own queue, a child process with time and memory limits, one attempt."""

import io
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from communities import extract
from communities.models import DocumentVersion
from communities.repertoire.services import store_extracted_text
from cop_platform.celery import app as celery_app
from tests.communities.repertoire_utils import media_root, pdf_file, upload  # noqa: F401 - fixture
from tests.utils import text

Status = DocumentVersion.TextStatus


def bomb_docx():
    """A Word file whose document part unpacks to 40 MB (stored after the upload check, as a file
    uploaded before the check existed would be)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"<" * (40 * 1024 * 1024))
    return out.getvalue()


def test_extraction_has_its_own_queue():
    route = celery_app.amqp.router.route({}, "communities.tasks.extract_version_text")
    assert route["queue"].name == "extraction"


def test_an_ordinary_pdf_is_indexed(member, community, on_commit):
    with on_commit:
        document = upload(member, community, file=pdf_file(lines=["Benefits dependency network"]))
    version = DocumentVersion.objects.get(document=document)
    assert version.text_status == Status.INDEXED
    assert "Benefits dependency network" in version.text


def test_a_zip_bomb_stored_as_a_word_file_is_marked_not_indexed(member, community, login):
    document = upload(member, community, file=pdf_file())
    version = document.versions.get()
    version.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    version.file.save("bomb.docx", SimpleUploadedFile("bomb.docx", bomb_docx()), save=False)
    version.text_status = Status.PENDING
    version.save()

    assert store_extracted_text(version.pk) == ""
    version.refresh_from_db()
    assert version.text_status == Status.FAILED
    page = login(member).get(document.get_absolute_url())
    assert "Text not indexed" in text(page)


def test_an_extraction_that_runs_out_of_time_is_marked_not_indexed(member, community, settings):
    settings.EXTRACT_TIME_LIMIT = 0.001
    version = upload(member, community, file=pdf_file()).versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(text_status=Status.PENDING)
    assert store_extracted_text(version.pk) == ""
    assert DocumentVersion.objects.get(pk=version.pk).text_status == Status.FAILED


def test_an_extraction_that_runs_out_of_memory_is_marked_not_indexed(member, community, settings):
    settings.EXTRACT_MEMORY_LIMIT = 16 * 1024 * 1024  # not even enough to start Python
    version = upload(member, community, file=pdf_file()).versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(text_status=Status.PENDING)
    assert store_extracted_text(version.pk) == ""
    assert DocumentVersion.objects.get(pk=version.pk).text_status == Status.FAILED


def test_a_version_whose_extraction_died_half_way_is_never_tried_again(member, community, monkeypatch):
    version = upload(member, community, file=pdf_file()).versions.get()
    # What a worker killed mid-task leaves behind, and what a redelivered message finds.
    DocumentVersion.objects.filter(pk=version.pk).update(text_status=Status.INDEXING)
    monkeypatch.setattr(extract, "extract_text_isolated", pytest.fail)
    assert store_extracted_text(version.pk) == ""
    assert DocumentVersion.objects.get(pk=version.pk).text_status == Status.FAILED
    assert store_extracted_text(version.pk) == ""  # and a third delivery changes nothing
    assert DocumentVersion.objects.get(pk=version.pk).text_status == Status.FAILED


def test_the_extract_task_is_not_requeued_when_its_worker_dies():
    from communities.tasks import extract_version_text

    assert extract_version_text.acks_late is True
    assert extract_version_text.reject_on_worker_lost is False
    assert django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True  # the default stays for others
