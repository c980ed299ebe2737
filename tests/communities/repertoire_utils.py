"""Fixtures and helpers for the repertoire tests (imported by those modules)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.repertoire import services
from communities.samplefiles import make_docx, make_pdf, make_text


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_file(name="toolkit.pdf", lines=("Benefits realisation toolkit", "Step one: map the benefits")):
    return SimpleUploadedFile(name, make_pdf(list(lines)), content_type="application/pdf")


def docx_file(name="template.docx", title="Business case template", paragraphs=("Strategic case",)):
    return SimpleUploadedFile(
        name, make_docx(title, list(paragraphs)), content_type="application/octet-stream"
    )


def text_file(name="notes.txt", lines=("Plain notes",)):
    return SimpleUploadedFile(name, make_text(list(lines)), content_type="text/plain")


def upload(user, community, title="Benefits toolkit", file=None, **fields):
    return services.upload_document(user, community, title=title, upload=file or pdf_file(), **fields)
