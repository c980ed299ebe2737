"""Which uploads the repository accepts, decided by the file's content and never by its name.

`detect(name, fileobj)` reads the first bytes (and, for Office and OpenDocument files, the zip
directory) and returns a FileType, or raises UploadRefused with a message for the uploader. The
name's extension must agree with the content, so an HTML page renamed `.pdf` is refused.
The content type stored for a version comes from here and is what downloads are served with.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from cop_platform.refusals import Refused


class UploadRefused(Refused):
    """str(error) tells the uploader why, in words they can act on."""


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType(
    "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx", ".dotx")
)
XLSX = FileType(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx", ".xltx")
)
PPTX = FileType(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx", ".potx"),
)
ODT = FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = FileType("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", (".odp",))
DOC = FileType("Word (old format)", "application/msword", (".doc", ".dot"))
XLS = FileType("Excel (old format)", "application/vnd.ms-excel", (".xls", ".xlt"))
PPT = FileType("PowerPoint (old format)", "application/vnd.ms-powerpoint", (".ppt", ".pot", ".pps"))
TEXT = FileType("Text", "text/plain; charset=utf-8", (".txt", ".text"))
CSV = FileType("CSV", "text/csv; charset=utf-8", (".csv",))
MARKDOWN = FileType("Markdown", "text/markdown; charset=utf-8", (".md", ".markdown"))

ACCEPTED = (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, PNG, JPEG, TEXT, CSV, MARKDOWN)
ACCEPTED_EXTENSIONS = tuple(ext for t in ACCEPTED for ext in t.extensions)
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_EXTENSIONS)  # for <input type=file accept=...>: a hint only
HELP_TEXT = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text, CSV or Markdown."

OOXML_MAIN = {
    "wordprocessingml.document.main+xml": DOCX,
    "wordprocessingml.template.main+xml": DOCX,
    "spreadsheetml.sheet.main+xml": XLSX,
    "spreadsheetml.template.main+xml": XLSX,
    "presentationml.presentation.main+xml": PPTX,
    "presentationml.template.main+xml": PPTX,
}
OOXML_FOLDER = {DOCX: "word/", XLSX: "xl/", PPTX: "ppt/"}
ODF_MIMETYPES = {t.content_type: t for t in (ODT, ODS, ODP)}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MARKUP_STARTS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<!--",
)


# Zip-based formats (Office, OpenDocument) are checked from the zip's directory before any
# entry is read: a 50 KB upload can otherwise unpack to gigabytes during text extraction.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # uncompressed / compressed, per entry and for the whole file
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this unpacked are never a bomb

# Markup that a browser (or a PDF reader) would run, found inside a file that is meant to be
# a PDF or an image: such "polyglots" are refused.
# Long enough patterns that compressed binary data does not contain them by chance.
ACTIVE_CONTENT = re.compile(
    rb"<(?:html|body|head|script|svg|iframe|object|embed|frameset)[\s>/]|<!doctype\s+html|javascript:", re.I
)
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|Launch|RichMedia|EmbeddedFile)\b")


def check_zip(archive):
    """Refuse a zip whose directory promises too many entries, too many bytes or a ratio only a
    zip bomb has. Reads the central directory only."""
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UploadRefused(
            "This document has too many parts inside it to be checked safely. Please save it again, "
            "or as a PDF, and retry."
        )
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise UploadRefused(
            "This document is too large once unpacked. Please make it smaller (for example, compress its "
            "images) and retry."
        )
    for info in infos:
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(
                "This document expands to far more than its size when opened, which is how harmful files "
                "behave. Please save it again, or as a PDF, and retry."
            )
    if total > ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(compressed, 1):
        raise UploadRefused(
            "This document expands to far more than its size when opened, which is how harmful files "
            "behave. Please save it again, or as a PDF, and retry."
        )


def refuse_active_content(data, filetype):
    """Refuse a PDF or image that also holds a web page or script (a polyglot)."""
    if ACTIVE_CONTENT.search(data) or (filetype is PDF and PDF_ACTIVE_CONTENT.search(data)):
        raise UploadRefused(
            f"This {filetype.label} file also contains a web page or script, so it cannot be shared here. "
            "Please export or save it again (for example with “Print to PDF”) and retry."
        )


IMAGE_MAX_PIXELS = 40_000_000  # 40 megapixels: any photo; not a decompression bomb


def reencode_image(fileobj, filetype):
    """The image drawn again by Pillow, as bytes of the same format: whatever else the file held
    (metadata such as GPS position, appended data, a second format) is gone. Raises UploadRefused."""

    def encode(image, out):
        if filetype is JPEG:
            image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
            image.save(out, "JPEG", quality=90, optimize=True)
        else:
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                image = image.convert("RGBA")
            image.save(out, "PNG", optimize=True)

    return redraw_image(fileobj, encode)


AVATAR_SIDE = 256


def square_avatar(fileobj, side=AVATAR_SIDE):
    """A profile photo: checked by content like any image, turned upright, cropped to its centre
    square and drawn again as a `side`-pixel WebP (nothing else from the file survives)."""

    def encode(image, out):
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
        image = ImageOps.fit(image, (side, side))
        image.save(out, "WEBP", quality=85)

    return redraw_image(fileobj, encode)


def redraw_image(fileobj, encode):
    """Open an upload with Pillow (refusing what is not an image, or too many pixels), then let
    `encode(image, out)` draw it again into a buffer; returns the new bytes."""
    from PIL import Image, UnidentifiedImageError

    fileobj.seek(0)
    try:
        with Image.open(fileobj) as image:
            if image.width * image.height > IMAGE_MAX_PIXELS:
                raise UploadRefused(
                    f"This image is too large ({image.width} × {image.height} pixels). Please resize it and retry."
                )
            image.load()
            out = io.BytesIO()
            encode(image, out)
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise UploadRefused("This image is too large once opened. Please resize it and retry.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UploadRefused(
            "This image could not be read: it may be damaged. Please save it again and retry."
        ) from None
    finally:
        fileobj.seek(0)
    return out.getvalue()


def extension_of(name):
    return PurePath(name or "").suffix.lower()


def _read_all(fileobj):
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    return data


def _sniff_zip(fileobj):
    """Office Open XML or OpenDocument, judged from the package's own manifest."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            check_zip(archive)
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    found = ODF_MIMETYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
                    if found:
                        return found
            if (
                "[Content_Types].xml" in names
                and archive.getinfo("[Content_Types].xml").file_size < 1_000_000
            ):
                manifest = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                for marker, filetype in OOXML_MAIN.items():
                    folder = OOXML_FOLDER[filetype]
                    if marker in manifest and any(name.startswith(folder) for name in names):
                        return filetype
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError):
        raise UploadRefused(
            "This file looks like a damaged Office document. Please save it again and retry."
        ) from None
    finally:
        fileobj.seek(0)
    raise UploadRefused(
        "Zip archives and macro-enabled Office files cannot be shared here. Please upload the documents "
        "themselves: " + HELP_TEXT
    )


def _sniff_text(fileobj):
    data = _read_all(fileobj)
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip().lower().encode()
    if head.startswith(MARKUP_STARTS) or b"<script" in text.lower().encode():
        raise UploadRefused(
            "Web pages (HTML) and other markup files cannot be uploaded. Please save it as a PDF."
        )
    return TEXT


def detect(name, fileobj):
    """Return the FileType of an upload, or raise UploadRefused. Reads the file; leaves it rewound."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    ext = extension_of(name)
    if head.startswith(b"%PDF-"):
        filetype = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        filetype = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        filetype = JPEG
    elif head.startswith(b"PK\x03\x04"):
        filetype = _sniff_zip(fileobj)
    elif head.startswith(OLE_MAGIC):
        # The legacy Office container looks the same for Word, Excel and PowerPoint; the name
        # says which, and the download is an attachment either way.
        filetype = {e: t for t in (DOC, XLS, PPT) for e in t.extensions}.get(ext)
        if filetype is None:
            raise UploadRefused(
                "This is an older Microsoft Office file: please name it .doc, .xls or .ppt, or save it in a "
                "newer format."
            )
    else:
        filetype = _sniff_text(fileobj)
        if filetype is None:
            raise UploadRefused(
                f"This kind of file cannot be shared here. Accepted: {HELP_TEXT} Text and CSV files must be saved "
                "as UTF-8."
            )
        filetype = {e: t for t in (TEXT, CSV, MARKDOWN) for e in t.extensions}.get(ext, TEXT)
    if filetype in (PDF, PNG, JPEG):
        refuse_active_content(_read_all(fileobj), filetype)
    if ext not in filetype.extensions:
        shown = ext or "no extension"
        raise UploadRefused(
            f"The file's name ends in {shown} but its content is a {filetype.label} file. "
            f"Please check you chose the right file, or rename it to end in {filetype.extensions[0]}."
        )
    return filetype


def human_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{size:.0f} bytes"
            return f"{size:.1f}".removesuffix(".0") + f" {unit}"
        size /= 1024
    return ""
