"""Uploads: zip bombs, polyglots and images are dealt with before anything trusts the file."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communities import filetypes
from communities.filetypes import UploadRefused, detect
from communities.samplefiles import make_docx, make_pdf
from tests.communities.repertoire_utils import media_root, upload  # noqa: F401 - fixture

DOCX_MANIFEST = (
    '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx_with(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", DOCX_MANIFEST)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_word_file_that_expands_a_thousandfold_is_refused_before_it_is_read():
    bomb = docx_with({"word/media/padding.xml": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UploadRefused, match="expands"):
        detect("bomb.docx", io.BytesIO(bomb))


def test_a_word_file_with_thousands_of_entries_is_refused():
    many = docx_with({f"word/part{i}.xml": b"x" for i in range(filetypes.ZIP_MAX_ENTRIES + 1)})
    with pytest.raises(UploadRefused, match="too many parts"):
        detect("many.docx", io.BytesIO(many))


def test_a_word_file_larger_than_the_total_limit_once_unpacked_is_refused(settings, monkeypatch):
    monkeypatch.setattr(filetypes, "ZIP_MAX_TOTAL_BYTES", 50_000)
    big = docx_with({"word/media/photo.bin": bytes(range(256)) * 400}, compression=zipfile.ZIP_STORED)
    with pytest.raises(UploadRefused, match="too large once unpacked"):
        detect("big.docx", io.BytesIO(big))


def test_an_ordinary_word_file_is_still_accepted():
    assert detect("ok.docx", io.BytesIO(make_docx("Title", ["A paragraph"] * 50))) == filetypes.DOCX


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", make_pdf(["hello"]) + b"<html><script>alert(document.cookie)</script></html>"),
        ("page.pdf", b"%PDF-1.4\n<!doctype html><body onload=alert(1)>"),
        (
            "page.pdf",
            make_pdf(["x"]).replace(
                b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
            ),
        ),
        ("pic.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20 + b"<svg onload=alert(1)>"),
        ("pic.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20 + b"<script>alert(1)</script>"),
    ],
)
def test_a_file_that_is_also_a_web_page_or_script_is_refused(name, data):
    with pytest.raises(UploadRefused, match="web page or script"):
        detect(name, io.BytesIO(data))


def test_an_ordinary_pdf_is_still_accepted():
    assert detect("ok.pdf", io.BytesIO(make_pdf(["Benefits <realisation> toolkit"]))) == filetypes.PDF


def _png(with_text=b""):
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    image.save(out, "PNG")
    return out.getvalue() + with_text


def _jpeg_with_exif():
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010E] = "GPS: my home address"  # ImageDescription
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_uploaded_image_is_re_encoded_without_its_metadata(member, community):
    original = _jpeg_with_exif()
    document = upload(member, community, file=SimpleUploadedFile("photo.jpg", original))
    version = document.versions.get()
    stored = version.file.open("rb").read()
    assert stored != original
    assert b"my home address" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)
    assert version.size == len(stored)


def test_a_broken_image_is_refused(member, community):
    from communities.services import CommunityError

    with pytest.raises(CommunityError, match="image could not be read"):
        upload(member, community, file=SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40))


def test_an_image_of_absurd_dimensions_is_refused(member, community):
    from communities.services import CommunityError

    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # tiny file, 400 megapixels once decoded
    with pytest.raises(CommunityError, match="too large"):
        upload(member, community, file=SimpleUploadedFile("huge.png", out.getvalue()))
