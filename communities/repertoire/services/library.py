"""Documents and their versions (upload, checks, text extraction for search) and links.

Each function checks the policy, owns its transaction, records the activity and raises
CommunityError with a message fit to show the user when the change is refused.
"""

import contextlib
import logging
import shutil
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ... import activity, filetypes
from ...models import Document, DocumentVersion, Link
from ...policy import access_for
from ...services import CommunityError

log = logging.getLogger(__name__)


# --- documents ----------------------------------------------------------------------------


def check_upload(upload):
    """Return the FileType of an uploaded file, or raise CommunityError saying why it is refused."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload is None:
        raise CommunityError("Please choose a file to upload.")
    if upload.size > limit:
        raise CommunityError(
            f"This file is {filetypes.human_size(upload.size)}; the limit is {filetypes.human_size(limit)}. "
            "Please make it smaller (for example, compress its images) and choose it again."
        )
    if upload.size == 0:
        raise CommunityError("This file is empty. Please choose the file again.")
    try:
        return filetypes.detect(upload.name, upload)
    except filetypes.UploadRefused as error:
        raise CommunityError(str(error)) from error


def _clean_name(name):
    name = (name or "document").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*')
    return name.strip()[:200] or "document"


def _new_version(user, document, upload, filetype, note, number):
    if filetype in (filetypes.PNG, filetypes.JPEG):
        try:
            upload = ContentFile(filetypes.reencode_image(upload, filetype), name=upload.name)
        except filetypes.UploadRefused as error:
            raise CommunityError(str(error)) from error
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=_clean_name(upload.name),
        size=upload.size,
        content_type=filetype.content_type,
        type_label=filetype.label,
        note=(note or "").strip()[:300],
        uploaded_by=user,
    )
    upload.seek(0)
    version.file.save(upload.name, upload, save=False)
    version.save()
    _extract_later(version)
    return version


def _extract_later(version):
    from ...extract import EXTRACTORS
    from ...tasks import extract_version_text

    if version.content_type in EXTRACTORS:
        version.text_status = DocumentVersion.TextStatus.PENDING
        DocumentVersion.objects.filter(pk=version.pk).update(text_status=version.text_status)
        extract_version_text.delay_on_commit(version.pk)


def upload_document(user, community, *, title, upload, description="", kind=Document.Kind.TOOLKIT, tags=(),
                    theme=None, note=""):  # fmt: skip
    """Add a document with its first version. The file is checked by content and size first."""
    access = access_for(user, community)
    if not access.can_upload_document:
        raise CommunityError("Only members of this community can share documents here.")
    filetype = check_upload(upload)
    if theme is not None and theme.community_id != community.pk:
        raise CommunityError("That theme belongs to another community.")
    title = (title or "").strip()
    if not title:
        raise CommunityError("Please give the document a title.")
    with transaction.atomic():
        document = Document.objects.create(
            community=community,
            title=title,
            description=description,
            kind=kind,
            theme=theme,
            uploaded_by=user,
        )
        version = _new_version(user, document, upload, filetype, note or "First version", 1)
        document.current_version = version
        document.version_count = 1
        document.save(update_fields=["current_version", "version_count"])
        if tags:
            document.tags.set(list(tags))
        activity.record(
            community, user, "document.uploaded", f"{user.name} shared “{document.title}”",
            url=document.get_absolute_url(), target=document,
        )  # fmt: skip
    return document


def add_version(user, document, *, upload, note=""):
    """Upload a new version; every earlier version stays downloadable."""
    access = access_for(user, document.community)
    if not access.can_edit_document(document):
        raise CommunityError("Only the person who shared this document or a facilitator can add a version.")
    filetype = check_upload(upload)
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("community").get(pk=document.pk)
        number = document.version_count + 1
        version = _new_version(user, document, upload, filetype, note, number)
        document.current_version = version
        document.version_count = number
        document.updated_at = timezone.now()
        document.save(update_fields=["current_version", "version_count", "updated_at"])
        activity.record(
            document.community, user, "document.versioned",
            f"{user.name} uploaded version {number} of “{document.title}”",
            url=document.get_absolute_url(), target=document,
        )  # fmt: skip
    return version


def update_document(user, document, **fields):
    """Edit title, description, kind, tags or theme of a document."""
    access = access_for(user, document.community)
    if not access.can_edit_document(document):
        raise CommunityError("Only the person who shared this document or a facilitator can edit it.")
    theme = fields.get("theme")
    if theme is not None and theme.community_id != document.community_id:
        raise CommunityError("That theme belongs to another community.")
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(document, name, value)
    if fields:
        document.save(update_fields=list(fields))
    if tags is not None:
        document.tags.set(list(tags))
    return document


def delete_document(user, document):
    """Remove a document and every version's file. Its uploader or a facilitator may do it."""
    if not access_for(user, document.community).can_edit_document(document):
        raise CommunityError("Only the person who shared this document or a facilitator can delete it.")
    names = list(document.versions.values_list("file", flat=True))
    with transaction.atomic():
        activity.withdraw(document)
        Document.objects.filter(pk=document.pk).update(current_version=None)
        document.delete()
        storage = DocumentVersion._meta.get_field("file").storage
        # Files go only once the rows are gone for good; a rolled-back delete keeps them.
        transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def count_download(version):
    """Count one download of a version and of its document; safe under concurrent downloads."""
    DocumentVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)
    Document.objects.filter(pk=version.document_id).update(download_count=F("download_count") + 1)


def store_extracted_text(version_id):
    """Fill a version's search text from its file, once.

    The version is claimed (PENDING -> INDEXING) with a conditional UPDATE; only the claimer
    extracts. A version found still INDEXING belongs to an attempt that died (the worker was
    killed mid-way, the message redelivered): it is marked FAILED, never tried again, so a file
    that kills its reader cannot loop. Extraction runs in a limited child process
    (communities.extract); any failure marks the version FAILED ("text not indexed").
    Returns the text stored ("" when none). A missing version is skipped.
    """
    from ...extract import ExtractionFailed, extract_text_isolated

    Status = DocumentVersion.TextStatus
    claimed = DocumentVersion.objects.filter(pk=version_id, text_status=Status.PENDING).update(
        text_status=Status.INDEXING
    )
    if not claimed:
        DocumentVersion.objects.filter(pk=version_id, text_status=Status.INDEXING).update(
            text_status=Status.FAILED
        )
        return ""
    version = DocumentVersion.objects.get(pk=version_id)
    try:
        with _local_path(version.file) as path:
            text = extract_text_isolated(
                version.content_type,
                path,
                time_limit=settings.EXTRACT_TIME_LIMIT,
                memory_limit=settings.EXTRACT_MEMORY_LIMIT,
            )
    except (ExtractionFailed, OSError) as error:
        log.warning("Text of document version %s not indexed: %s", version_id, error)
        DocumentVersion.objects.filter(pk=version_id).update(text="", text_status=Status.FAILED)
        return ""
    DocumentVersion.objects.filter(pk=version_id).update(text=text, text_status=Status.INDEXED)
    return text


@contextlib.contextmanager
def _local_path(fieldfile):
    """A path on this machine for a stored file (a temporary copy when storage is remote)."""
    try:
        yield fieldfile.path
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile() as copy, fieldfile.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


# --- links --------------------------------------------------------------------------------


def add_link(user, community, *, title, url, description="", tags=()):
    access = access_for(user, community)
    if not access.can_add_link:
        raise CommunityError("Only members of this community can add links.")
    if not url.lower().startswith(("http://", "https://")):
        raise CommunityError("Please enter a web address starting with http:// or https://.")
    with transaction.atomic():
        link = Link.objects.create(
            community=community, title=title.strip(), url=url, description=description, added_by=user
        )
        if tags:
            link.tags.set(list(tags))
        activity.record(
            community, user, "link.added", f"{user.name} added a link: {link.title}",
            url=reverse("communities:links", args=[community.slug]), target=link,
        )  # fmt: skip
    return link


def remove_link(user, link):
    if not access_for(user, link.community).can_remove_links:
        raise CommunityError("Only facilitators can remove links.")
    activity.withdraw(link)
    link.delete()
