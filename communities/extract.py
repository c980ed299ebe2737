"""Text inside PDF and Word files, so that search finds what documents say, not only their titles.

pypdf and python-docx are well-kept pure-Python libraries. Extraction runs in a background task
after upload (communities.tasks, queue "extraction"), is capped in pages and characters, and any
failure leaves the text empty: search then still finds the title, description and tags, and
the version says "text not indexed".

A hostile file can make a parser take minutes or gigabytes. So the parsing runs in a child
process (`python -m communities.extract TYPE PATH`) with an address-space limit
(EXTRACT_MEMORY_LIMIT) and a wall-clock limit (EXTRACT_TIME_LIMIT): an out-of-memory or a hang
kills the child, never the Celery worker, and the task records the failure instead of being
redelivered. Zip-based files are checked from their directory (filetypes.check_zip) before the
parser opens them, as at upload.
"""

import logging
import resource
import subprocess
import sys
import zipfile

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

    with zipfile.ZipFile(fileobj) as archive:
        filetypes.check_zip(archive)
    fileobj.seek(0)

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


class ExtractionFailed(Exception):
    """The child process ran out of time or memory, or could not read the file."""


def _limit_child(memory_bytes, cpu_seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


def extract_text_isolated(content_type, path, *, time_limit, memory_limit):
    """Like extract_text, in a child process with limits; raises ExtractionFailed."""
    if content_type not in EXTRACTORS:
        return ""
    try:
        done = subprocess.run(  # noqa: S603 - our own module, arguments are not from users
            [sys.executable, "-m", "communities.extract", content_type, str(path)],
            capture_output=True,
            timeout=time_limit,
            preexec_fn=_limit_child(memory_limit, max(1, int(time_limit))),  # noqa: PLW1509
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionFailed(f"took longer than {time_limit} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
            f"exit {done.returncode}"
        ]
        raise ExtractionFailed(reason[0][:200])
    return done.stdout.decode("utf-8", "replace")[:MAX_CHARS]


def _main(argv):
    """Child process: print the text of one file to stdout; exit 1 when it cannot be read."""
    content_type, path = argv
    with open(path, "rb") as fileobj:
        text = EXTRACTORS[content_type](fileobj)
    sys.stdout.write(" ".join(text.replace("\x00", " ").split())[:MAX_CHARS])
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
