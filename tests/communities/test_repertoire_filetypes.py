"""Which files the repository accepts is decided by content; the name must agree with it."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities import filetypes
from communities.filetypes import UploadRefused, detect
from communities.samplefiles import make_docx, make_pdf


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ooxml(main_type, folder):
    manifest = (
        f'<Types><Override PartName="/{folder}/main.xml" ContentType="application/vnd.{main_type}"/></Types>'
    )
    return _zip({"[Content_Types].xml": manifest, f"{folder}/main.xml": "<x/>"})


def _check(name, data):
    return detect(name, io.BytesIO(data))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", make_pdf(["hello"]), filetypes.PDF),
        ("a.docx", make_docx("t", ["p"]), filetypes.DOCX),
        (
            "a.xlsx",
            _ooxml("openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl"),
            filetypes.XLSX,
        ),
        (
            "a.pptx",
            _ooxml("openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt"),
            filetypes.PPTX,
        ),
        (
            "a.odt",
            _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
            filetypes.ODT,
        ),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filetypes.DOC),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, filetypes.PNG),
        ("a.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 40, filetypes.JPEG),
        ("a.csv", "name,città\nA,Roma\n".encode(), filetypes.CSV),
        ("a.md", b"# Title\n\nSome *markdown* with a < sign.", filetypes.MARKDOWN),
        ("a.txt", b"\xef\xbb\xbfplain text with a byte-order mark", filetypes.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(name, data, expected):
    assert _check(name, data) == expected


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"  <html><body>hi</body></html>", "Web pages (HTML)"),
        ("notes.txt", b"hello <script>alert(1)</script>", "Web pages (HTML)"),
        ("image.svg", b'<?xml version="1.0"?><svg></svg>', "Web pages (HTML)"),
        ("report.pdf", b"plain words", "name ends in .pdf but its content is a Text file"),
        ("toolkit.docx", make_pdf(["x"]), "name ends in .docx but its content is a PDF file"),
        (
            "tool.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
            "This kind of file cannot be shared here",
        ),
        ("bin.txt", b"abc\x00def", "This kind of file cannot be shared here"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "This kind of file cannot be shared here"),
        ("archive.zip", _zip({"a.txt": "x"}), "Zip archives and macro-enabled Office files"),
        (
            "macro.docm",
            _ooxml("ms-word.document.macroEnabled.main+xml", "word"),
            "Zip archives and macro-enabled",
        ),
        (
            "fake.docx",
            _ooxml("openxmlformats-officedocument.wordprocessingml.document.main+xml", "xl"),
            "Zip archives",
        ),
        ("broken.docx", b"PK\x03\x04garbage", "damaged Office document"),
        ("legacy.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "older Microsoft Office file"),
    ],
)
def test_refused_files_get_a_message_the_uploader_can_act_on(name, data, message):
    with pytest.raises(UploadRefused, match=re.escape(message)):
        _check(name, data)


def test_capped_handler_keeps_only_the_start_of_an_oversized_file_but_reports_its_real_size(settings, rf):
    from communities.uploads import CappedUploadHandler

    settings.MAX_UPLOAD_BYTES = 100
    handler = CappedUploadHandler(rf.post("/"))
    handler.new_file("file", "big.pdf", "application/pdf", 1000)
    for start in range(0, 1000, 64):
        assert handler.receive_data_chunk(b"x" * 64, start) is None
    uploaded = handler.file_complete(1024)

    assert uploaded.size == 1024
    uploaded.seek(0, io.SEEK_END)
    assert uploaded.tell() == 101  # never more than the limit plus one byte on disk
    uploaded.close()


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    from communities.repertoire.services import check_upload

    data = make_pdf(["fits"])
    settings.MAX_UPLOAD_BYTES = len(data)
    assert check_upload(SimpleUploadedFile("a.pdf", data)) == filetypes.PDF
