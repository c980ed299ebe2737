"""Text inside PDF and Word files, so that search finds what documents say, not only their titles.

pypdf and python-docx are well-kept pure-Python libraries. Extraction runs in a background task
after upload (communities.tasks), is capped in pages and characters, and any failure simply
leaves the text empty: search then still finds the title, description and tags.
"""

import logging

from . import filetypes

log = logging.getLogger(__name__)

MAX_PAGES = 60
MAX_CHARS = 200_000


def _pdf_text(fileobj):
    from pypdf import PdfReader

    reader = PdfReader(fileobj)
    parts, total = [], 0
    for page in reader.pages[:MAX_PAGES]:
        chunk = page.extract_text() or ""
        parts.append(chunk)
        total += len(chunk)
        if total > MAX_CHARS:
            break
    return "\n".join(parts)


def _docx_text(fileobj):
    import docx

    document = docx.Document(fileobj)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _plain_text(fileobj):
    return fileobj.read(MAX_CHARS * 4).decode("utf-8-sig", "replace")


EXTRACTORS = {
    filetypes.PDF.content_type: _pdf_text,
    filetypes.DOCX.content_type: _docx_text,
    filetypes.TEXT.content_type: _plain_text,
    filetypes.CSV.content_type: _plain_text,
    filetypes.MARKDOWN.content_type: _plain_text,
}


def extract_text(content_type, fileobj):
    """Return up to MAX_CHARS of searchable text, or "" when there is none or it cannot be read."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        return ""
    try:
        text = extractor(fileobj)
    except Exception:  # noqa: BLE001 - a file we cannot read is still a valid upload
        log.warning("Could not extract text for search", exc_info=True)
        return ""
    return " ".join(text.replace("\x00", " ").split())[:MAX_CHARS]
