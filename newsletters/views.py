from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from communities.models import Community
from communities.policy import get_community_for
from cop_platform import audit, memberstate
from cop_platform.params import get_int
from cop_platform.ratelimits import limit, over_limit
from cop_platform.refusals import show_refusal

from . import effect, issues, links, mail
from .forms import IssueForm, PreferenceForm, ScheduleForm
from .models import Issue, LinkCount, Notification
from .notification_groups import group_notifications
from .preferences import describe, lift_suppression, member_communities, preferences_for, save_preference
from .preferences import unsubscribe as unsubscribe_list
from .tokens import BadToken, read_token


@login_required
def notification_list(request):
    notices = Notification.objects.filter(recipient=request.user).select_related("community")
    page = Paginator(notices, 50).get_page(get_int(request.GET, "page", 1, minimum=1))
    return render(
        request,
        "newsletters/notifications.html",
        {"page": page, "sections": group_notifications(page.object_list)},
    )


@login_required
@require_POST
def open_notification(request, pk):
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    target = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else ""
    return redirect(target or "newsletters:notifications")


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    memberstate.changed(request.user.pk)
    return redirect("newsletters:notifications")


# --- e-mail preferences and unsubscribe -----------------------------------------------------


@login_required
def preferences(request):
    communities = member_communities(request.user)
    rows = []
    for community, preference in preferences_for(request.user, communities):
        initial = {
            "digest": preference.digest,
            "newsletter": preference.newsletter,
            "immediate": preference.immediate,
        }
        form = PreferenceForm(
            request.POST if request.method == "POST" else None, initial=initial, prefix=f"c{community.pk}"
        )
        rows.append((community, form))
    if request.method == "POST":
        if all(form.is_valid() for _, form in rows):
            for community, form in rows:
                save_preference(request.user, community, **form.cleaned_data)
            messages.success(request, "Your e-mail settings are saved.")
            return redirect("newsletters:preferences")
        messages.error(request, "Some settings could not be saved; please check the highlighted choices.")
    return render(request, "newsletters/preferences.html", {"rows": rows})


@login_required
@require_POST
@limit("newsletters.email_works", "5/h")
def email_works(request):
    """The member says their address works again: take it off the suppression list."""
    if lift_suppression(request.user):
        messages.success(request, f"Thank you. We will send e-mail to {request.user.email} again.")
    return redirect("newsletters:preferences")


def _mask(email):
    name, _, domain = email.partition("@")
    return f"{name[:2]}{'•' * max(1, len(name) - 2)}@{domain}"


# Only bad tokens count towards the limit: a mailbox provider posts every one-click unsubscribe
# of a newsletter from a few addresses, and a valid signed token is proof enough.
INVALID_UNSUBSCRIBE_RATE = "20/h"


def _invalid_unsubscribe(request):
    if over_limit(request, "newsletters.unsubscribe_invalid", INVALID_UNSUBSCRIBE_RATE, key="ip"):
        return render(request, "429.html", status=429)
    return render(request, "newsletters/unsubscribe_invalid.html", status=400)


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session or token
def unsubscribe(request, token):
    """GET shows what the link switches off with a confirm button; POST (also one-click) does it.
    Valid tokens are never rate-limited; invalid ones are, per IP address."""
    try:
        ref = read_token(token)
    except BadToken:
        ref = None
    user = get_user_model().objects.filter(pk=ref.user_id).first() if ref else None
    if user is None:
        return _invalid_unsubscribe(request)
    community = Community.objects.filter(pk=ref.community_id).first() if ref.community_id else None
    if ref.community_id and community is None:
        return _invalid_unsubscribe(request)
    context = {
        "what": describe(ref, community),
        "email": _mask(user.email),
        "token": token,
        "signed_in_as_them": request.user.is_authenticated and request.user.pk == user.pk,
    }
    if request.method == "POST":
        unsubscribe_list(ref)
        audit.record("unsubscribed", user=user, request=request, list=ref.list_name)  # never the token
        return render(request, "newsletters/unsubscribed.html", context)
    return render(request, "newsletters/unsubscribe.html", context)


# --- the community newsletter ---------------------------------------------------------------


def _facilitator_only(access):
    if not access.can_send_newsletter:
        raise Http404


def get_issue_for(user, slug, pk):
    """(community, access, issue): 404 unless the user may see the community and the issue.

    Members and visitors see sent issues only; drafts are for those who may send the newsletter.
    """
    community, access = get_community_for(user, slug)
    issue = Issue.objects.filter(pk=pk, community=community).select_related("author").first()
    if issue is None or not (issue.is_published or access.can_send_newsletter):
        raise Http404("No such issue.")
    issue.community = community
    return community, access, issue


def issue_list(request, slug):
    community, access = get_community_for(request.user, slug)
    issues = Issue.objects.filter(community=community).select_related("author")
    if not access.can_send_newsletter:
        issues = issues.published()
    page = Paginator(issues.order_by("-started_at", "-created_at", "-pk"), 20).get_page(
        get_int(request.GET, "page", 1, minimum=1)
    )
    return render(
        request, "newsletters/issue_list.html", {"community": community, "access": access, "page": page}
    )


@login_required
def issue_new(request, slug):
    community, access = get_community_for(request.user, slug)
    _facilitator_only(access)
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            issue = issues.create_issue(request.user, community, **form.cleaned_data)
            messages.success(
                request, "Draft saved. Preview it, send yourself a test, then send or schedule it."
            )
            return redirect("newsletters:issue", slug=slug, pk=issue.pk)
    else:
        subject, body = issues.draft_for(community, author=request.user)
        form = IssueForm(initial={"subject": subject, "body": body})
    return render(
        request,
        "newsletters/issue_form.html",
        {"community": community, "access": access, "form": form, "issue": None},
    )


@login_required
def issue_edit(request, slug, pk):
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    if not issue.is_editable:
        messages.error(request, "This issue has already been sent, so it can no longer be edited.")
        return redirect("newsletters:issue", slug=slug, pk=pk)
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            issues.update_issue(issue, **form.cleaned_data)
        except issues.IssueError as error:
            show_refusal(request, error)
        else:
            messages.success(request, "Draft saved.")
        return redirect("newsletters:issue", slug=slug, pk=pk)
    return render(
        request,
        "newsletters/issue_form.html",
        {"community": community, "access": access, "form": form, "issue": issue},
    )


def follow_link(request, token):
    """A link from a newsletter or digest: counted in aggregate (no one's identity), then followed."""
    found = links.read(token)
    if found is None:
        raise Http404("This link is not valid.")
    url, source = found
    links.count(LinkCount.Kind.CLICK, source, url)
    return redirect(url)


def issue_detail(request, slug, pk):
    community, access, issue = get_issue_for(request.user, slug, pk)
    context = {"community": community, "access": access, "issue": issue}
    if issue.is_published and not access.can_send_newsletter:
        links.count(LinkCount.Kind.OPEN, issue.delivery_key)
    if access.can_send_newsletter:
        if issue.is_published and issue.started_at:  # an issue marked sent by hand may have no start
            context["effect"] = effect.issue_effect(issue)
            if context["effect"]:
                context["effect_headline"] = effect.headline(context["effect"])
        context.update(
            stats=issues.stats(issue),
            problems=issues.problem_rows(issue) if issue.is_published else [],
            schedule_form=ScheduleForm(),
            audience=issues.recipients(community).count() if issue.is_editable else None,
        )
    return render(request, "newsletters/issue_detail.html", context)


@login_required
def issue_status(request, slug, pk):
    """The sending progress panel alone, polled by the issue page while it sends."""
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    return render(
        request,
        "newsletters/_issue_status.html",
        {"community": community, "issue": issue, "stats": issues.stats(issue)},
    )


@login_required
def issue_preview(request, slug, pk):
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    message = mail.newsletter_email(issue, request.user)
    html = message.alternatives[0][0]
    return render(
        request,
        "newsletters/issue_preview.html",
        {"community": community, "access": access, "issue": issue, "message": message, "html": html},
    )


@login_required
@require_POST
@limit("newsletters.issue_test", "10/h")
def issue_test(request, slug, pk):
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    issues.send_test(issue, request.user)
    messages.success(request, f"A test copy is on its way to {request.user.email}.")
    return redirect("newsletters:issue", slug=slug, pk=pk)


def _issue_action(request, slug, pk, action, success):
    """A facilitator's button on an issue: run `action(issue)`, say how it went, back to the issue."""
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    try:
        action(issue)
    except issues.IssueError as error:
        show_refusal(request, error)
    else:
        messages.success(request, success)
    return redirect("newsletters:issue", slug=slug, pk=pk)


@login_required
@require_POST
def issue_send(request, slug, pk):
    return _issue_action(
        request, slug, pk, issues.send_now, "Sending has started. This page shows the progress."
    )


@login_required
@require_POST
def issue_schedule(request, slug, pk):
    community, access, issue = get_issue_for(request.user, slug, pk)
    _facilitator_only(access)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["send_at"][0])
        return redirect("newsletters:issue", slug=slug, pk=pk)
    try:
        issues.schedule(issue, form.cleaned_data["send_at"])
    except issues.IssueError as error:
        show_refusal(request, error)
    else:
        when = timezone.localtime(issue.scheduled_for)
        messages.success(request, f"Scheduled for {when:%A %-d %B at %H:%M}.")
    return redirect("newsletters:issue", slug=slug, pk=pk)


@login_required
@require_POST
def issue_unschedule(request, slug, pk):
    return _issue_action(
        request, slug, pk, issues.unschedule, "The issue is a draft again; nothing will be sent."
    )


@login_required
@require_POST
def issue_resume(request, slug, pk):
    return _issue_action(
        request,
        slug,
        pk,
        issues.resume,
        "Sending resumes for the members still waiting. Nobody receives the issue twice.",
    )
