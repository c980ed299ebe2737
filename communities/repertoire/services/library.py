"""Every change to the shared repertoire: documents and versions, links, jobs, the article of
the month, themes and meetings.

Each function checks the policy, owns its transaction, records the activity and raises
CommunityError with a message fit to show the user when the change is refused.
"""

import contextlib
import datetime
import logging
import shutil
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from . import activity, filetypes
from .models import Article, Document, DocumentVersion, Job, Link, Meeting, Rsvp, Theme
from .policy import access_for
from .services import CommunityError

log = logging.getLogger(__name__)

RESERVED_THEME_SLUGS = {"new"}


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
    from .extract import EXTRACTORS
    from .tasks import extract_version_text

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
    from .extract import ExtractionFailed, extract_text_isolated

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


# --- jobs ---------------------------------------------------------------------------------


def post_job(user, community, *, title, organisation, location, closing_on, description="", url=""):
    access = access_for(user, community)
    if not access.can_post_job:
        raise CommunityError("Only members of this community can post job adverts.")
    if closing_on < timezone.localdate():
        raise CommunityError("The closing date has already passed. Please choose a date from today on.")
    if not (description or "").strip() and not url:
        raise CommunityError("Please describe the job or give a link to the advert.")
    with transaction.atomic():
        job = Job.objects.create(
            community=community, title=title.strip(), organisation=organisation.strip(),
            location=location.strip(), closing_on=closing_on, description=description, url=url,
            posted_by=user,
        )  # fmt: skip
        activity.record(
            community, user, "job.posted", f"New job: {job.title}, {job.organisation}",
            url=job.get_absolute_url(), target=job,
        )  # fmt: skip
    return job


def update_job(user, job, *, title, organisation, location, closing_on, description="", url=""):
    """The poster (or a facilitator) corrects an advert or extends its closing date."""
    access = access_for(user, job.community)
    if not (access.can_moderate_jobs or (access.can_post and job.posted_by_id == user.pk)):
        raise CommunityError("Only the person who posted this advert or a facilitator can change it.")
    if closing_on < timezone.localdate():
        raise CommunityError("The closing date has already passed. Please choose a date from today on.")
    if not (description or "").strip() and not url:
        raise CommunityError("Please describe the job or give a link to the advert.")
    job.title, job.organisation, job.location = title.strip(), organisation.strip(), location.strip()
    job.closing_on, job.description, job.url = closing_on, description, url
    job.save()
    return job


def hide_job(user, job, *, hidden=True):
    """Facilitators hide an advert (and can show it again); hidden adverts leave feeds too."""
    if not access_for(user, job.community).can_moderate_jobs:
        raise CommunityError("Only facilitators can moderate job adverts.")
    job.hidden_at = timezone.now() if hidden else None
    job.hidden_by = user if hidden else None
    job.save(update_fields=["hidden_at", "hidden_by"])
    (activity.withdraw if hidden else activity.restore)(job)
    return job


def remove_job(user, job):
    access = access_for(user, job.community)
    if not (access.can_moderate_jobs or (access.can_post and job.posted_by_id == user.pk)):
        raise CommunityError("Only the person who posted this advert or a facilitator can remove it.")
    activity.withdraw(job)
    job.delete()


# --- article of the month -----------------------------------------------------------------


def feature_article(user, community, *, month, title, introduction, url="", document=None):
    """Feature one article for a month (one per community per month)."""
    if not access_for(user, community).can_feature_article:
        raise CommunityError("Only facilitators can choose the article of the month.")
    if not url and document is None:
        raise CommunityError("Please give the article's web address or choose a document from the library.")
    if document is not None and document.community_id != community.pk:
        raise CommunityError("That document belongs to another community.")
    month = month.replace(day=1)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                community=community, month=month, title=title.strip(), url=url, document=document,
                introduction=introduction, featured_by=user,
            )  # fmt: skip
    except IntegrityError as error:
        raise CommunityError(
            f"There is already an article of the month for {month:%B %Y}. Choose another month."
        ) from error
    activity.record(
        community, user, "article.featured", f"Article of the month for {month:%B %Y}: {article.title}",
        url=reverse("communities:articles", args=[community.slug]), target=article,
    )  # fmt: skip
    return article


def update_article(user, article, *, month, title, introduction, url="", document=None):
    if not access_for(user, article.community).can_feature_article:
        raise CommunityError("Only facilitators can change the article of the month.")
    if not url and document is None:
        raise CommunityError("Please give the article's web address or choose a document from the library.")
    if document is not None and document.community_id != article.community_id:
        raise CommunityError("That document belongs to another community.")
    month = month.replace(day=1)
    article.month, article.title, article.url = month, title.strip(), url
    article.document, article.introduction = document, introduction
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as error:
        raise CommunityError(
            f"There is already an article of the month for {month:%B %Y}. Choose another month."
        ) from error
    return article


def remove_article(user, article):
    if not access_for(user, article.community).can_feature_article:
        raise CommunityError("Only facilitators can remove an article of the month.")
    activity.withdraw(article)
    article.delete()


# --- themes -------------------------------------------------------------------------------


def _theme_slug(community, title, exclude_pk=None):
    base = slugify(title)[:70] or "theme"
    if base in RESERVED_THEME_SLUGS:
        base = f"{base}-theme"
    slug, n = base, 2
    taken = Theme.objects.filter(community=community).exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_dates(starts_on, ends_on):
    if ends_on < starts_on:
        raise CommunityError("The theme must end on or after the day it starts.")
    if ends_on - starts_on > datetime.timedelta(days=366):
        raise CommunityError("A theme runs for a period of up to a year. Please choose an earlier end date.")


def create_theme(user, community, *, title, starts_on, ends_on, description=""):
    """Start (or schedule) a theme: a focus on one topic for a period."""
    if not access_for(user, community).can_manage_themes:
        raise CommunityError("Only facilitators can run themes.")
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        theme = Theme.objects.create(
            community=community, title=title.strip(), slug=_theme_slug(community, title),
            description=description, starts_on=starts_on, ends_on=ends_on, created_by=user,
        )  # fmt: skip
        theme.community = community
        if ends_on < timezone.localdate():
            return theme  # recording a past theme for the archive is not news
        activity.record(
            community, user, "theme.started",
            f"New theme: {theme.title} ({starts_on:%-d %b} to {ends_on:%-d %b %Y})",
            url=theme.get_absolute_url(), target=theme,
        )  # fmt: skip
    return theme


def update_theme(user, theme, *, title, starts_on, ends_on, description=""):
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can edit themes.")
    _check_dates(starts_on, ends_on)
    theme.title, theme.starts_on, theme.ends_on, theme.description = (
        title.strip(),
        starts_on,
        ends_on,
        description,
    )
    theme.save()
    return theme


def attach_document(user, theme, document, *, attach=True):
    """Attach a library document to a theme (or take it off)."""
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can attach documents to a theme.")
    if document.community_id != theme.community_id:
        raise CommunityError("That document belongs to another community.")
    document.theme = theme if attach else None
    document.save(update_fields=["theme"])
    return document


def attach_meeting(user, theme, meeting, *, attach=True):
    if not access_for(user, theme.community).can_manage_themes:
        raise CommunityError("Only facilitators can attach meetings to a theme.")
    if meeting.community_id != theme.community_id:
        raise CommunityError("That meeting belongs to another community.")
    meeting.theme = theme if attach else None
    meeting.save(update_fields=["theme"])
    return meeting


# --- meetings -----------------------------------------------------------------------------


def schedule_meeting(user, community, *, title, starts_at, ends_at, place="", online_url="", agenda="",
                     theme=None):  # fmt: skip
    if not access_for(user, community).can_schedule_meeting:
        raise CommunityError("Only facilitators can schedule meetings.")
    if ends_at <= starts_at:
        raise CommunityError("The meeting must end after it starts.")
    if not place.strip() and not online_url:
        raise CommunityError("Please say where the meeting is: a place, an online link, or both.")
    if theme is not None and theme.community_id != community.pk:
        raise CommunityError("That theme belongs to another community.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
            place=place.strip(), online_url=online_url, agenda=agenda, theme=theme, created_by=user,
        )  # fmt: skip
        activity.record(
            community, user, "meeting.scheduled",
            f"Meeting on {timezone.localtime(starts_at):%-d %B}: {meeting.title}",
            url=meeting.get_absolute_url(), target=meeting,
        )  # fmt: skip
    return meeting


def update_meeting(
    user, meeting, *, title, starts_at, ends_at, place="", online_url="", agenda="", theme=None
):
    """Change a meeting's details (those who answered keep their answers)."""
    if not access_for(user, meeting.community).can_post_meeting_notes(meeting):
        raise CommunityError("Only facilitators and the meeting's organiser can change it.")
    if ends_at <= starts_at:
        raise CommunityError("The meeting must end after it starts.")
    if not place.strip() and not online_url:
        raise CommunityError("Please say where the meeting is: a place, an online link, or both.")
    if theme is not None and theme.community_id != meeting.community_id:
        raise CommunityError("That theme belongs to another community.")
    meeting.title, meeting.starts_at, meeting.ends_at = title.strip(), starts_at, ends_at
    meeting.place, meeting.online_url, meeting.agenda, meeting.theme = (
        place.strip(),
        online_url,
        agenda,
        theme,
    )
    meeting.save(update_fields=["title", "starts_at", "ends_at", "place", "online_url", "agenda", "theme"])
    return meeting


def rsvp(user, meeting, response):
    """Say whether you will come; answering again changes the answer."""
    if not access_for(user, meeting.community).can_rsvp and not _is_guest(user, meeting):
        raise CommunityError("Only members of this community can reply to its meetings.")
    if response not in Rsvp.Response.values:
        raise CommunityError("Please choose going, maybe or not going.")
    if meeting.is_past:
        raise CommunityError("This meeting has already taken place.")
    answer, _ = Rsvp.objects.update_or_create(
        meeting=meeting, user=user, defaults={"response": response, "updated_at": timezone.now()}
    )
    return answer


def post_meeting_notes(user, meeting, notes):
    """Post or update the notes of a meeting; the first posting is recorded in the activity log."""
    if not access_for(user, meeting.community).can_post_meeting_notes(meeting):
        raise CommunityError("Only facilitators and the meeting's organiser can post its notes.")
    notes = (notes or "").strip()
    if not notes:
        raise CommunityError("The notes are empty. Please write what was discussed and decided.")
    first = meeting.notes_posted_at is None
    with transaction.atomic():
        meeting.notes = notes
        meeting.notes_by = user
        meeting.notes_posted_at = meeting.notes_posted_at or timezone.now()
        meeting.save(update_fields=["notes", "notes_by", "notes_posted_at"])
        if first:
            activity.record(
                meeting.community, user, "meeting.notes", f"Notes posted: {meeting.title}",
                url=meeting.get_absolute_url(), target=meeting,
            )  # fmt: skip
    return meeting


def _is_guest(user, meeting):
    from .guests import is_guest

    return is_guest(user, meeting)
