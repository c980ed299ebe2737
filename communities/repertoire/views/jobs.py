"""Job adverts: members post, everyone who may see the community reads, facilitators moderate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cop_platform.params import get_int

from ...models import Job
from ...policy import get_community_for, get_in_community
from ...services import CommunityError
from .. import services
from ..forms import JobForm


def jobs(request, slug):
    community, access = get_community_for(request.user, slug)
    rows = Job.objects.filter(community=community).open().select_related("posted_by")
    page = Paginator(rows, 25).get_page(get_int(request.GET, "page", 1, minimum=1))
    hidden = []
    if access.can_moderate_jobs:
        hidden = list(
            Job.objects.filter(community=community, hidden_at__isnull=False).order_by("-hidden_at")[:20]
        )
    return render(
        request,
        "communities/jobs.html",
        {"community": community, "access": access, "page": page, "hidden": hidden},
    )


def job_detail(request, slug, pk):
    community, access, job = get_in_community(
        request.user, slug, Job.objects.select_related("posted_by"), pk=pk
    )
    # Closed and hidden adverts are gone for members; facilitators can still open them to restore.
    is_open = job.hidden_at is None and job.closing_on >= timezone.localdate()
    if not is_open and not access.can_moderate_jobs:
        raise Http404
    return render(
        request, "communities/job_detail.html", {"community": community, "access": access, "job": job}
    )


@login_required
@ratelimit(key="user", rate="20/h", method="POST", block=True)
def job_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_post_job:
        raise Http404
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.post_job(request.user, community, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your advert is up until {job.closing_on:%-d %B %Y}.")
            return redirect(job)
    return render(
        request, "communities/job_form.html", {"community": community, "access": access, "form": form}
    )


@login_required
def job_edit(request, slug, pk):
    community, access, job = get_in_community(request.user, slug, Job.objects.all(), pk=pk)
    if not (access.can_moderate_jobs or (access.can_post and job.posted_by_id == request.user.pk)):
        raise Http404
    form = JobForm(request.POST or None, instance=job)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_job(request.user, job, **form.cleaned_data)
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The advert is updated.")
            return redirect(job)
    return render(
        request,
        "communities/job_form.html",
        {"community": community, "access": access, "form": form, "job": job},
    )


@login_required
@require_POST
def job_moderate(request, slug, pk):
    """hide, show or remove an advert."""
    community, access, job = get_in_community(request.user, slug, Job.objects.all(), pk=pk)
    action = request.POST.get("action")
    may_remove = access.can_moderate_jobs or (access.can_post and job.posted_by_id == request.user.pk)
    if not (access.can_moderate_jobs or (action == "remove" and may_remove)):
        raise Http404
    try:
        if action == "remove":
            services.remove_job(request.user, job)
            messages.success(request, f"The advert “{job.title}” was removed.")
        elif action in ("hide", "show"):
            services.hide_job(request.user, job, hidden=action == "hide")
            messages.success(
                request, f"The advert “{job.title}” is {'hidden' if action == 'hide' else 'shown again'}."
            )
        else:
            messages.error(request, "Please choose what to do with the advert.")
    except CommunityError as error:
        messages.error(request, str(error))
    return redirect("communities:jobs", slug=community.slug)
