"""Job adverts: post, edit, hide (facilitators) and remove."""

from django.db import transaction
from django.utils import timezone

from ... import activity
from ...models import Job
from ...policy import access_for
from ...services import CommunityError

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
