"""Every change to the shared repertoire, split by aggregate: library (documents, versions,
links), jobs, articles (the article of the month), themes, meetings. Import from here:
`from communities.repertoire import services; services.upload_document(...)`.

Each function checks the policy, owns its transaction, records the activity and raises
CommunityError with a message fit to show the user when the change is refused.
"""

from .articles import feature_article, remove_article, update_article
from .jobs import hide_job, post_job, remove_job, update_job
from .library import (
    add_link,
    add_version,
    check_upload,
    count_download,
    delete_document,
    remove_link,
    store_extracted_text,
    update_document,
    upload_document,
)
from .meetings import post_meeting_notes, rsvp, schedule_meeting, update_meeting
from .themes import RESERVED_THEME_SLUGS, attach_document, attach_meeting, create_theme, update_theme

__all__ = [
    "RESERVED_THEME_SLUGS", "add_link", "add_version", "attach_document", "attach_meeting", "check_upload",
    "count_download", "create_theme", "delete_document", "feature_article", "hide_job", "post_job",
    "post_meeting_notes", "remove_article", "remove_job", "remove_link", "rsvp", "schedule_meeting",
    "store_extracted_text", "update_article", "update_document", "update_job", "update_meeting", "update_theme",
    "upload_document",
]  # fmt: skip
