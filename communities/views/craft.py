"""The facilitator's craft: the participation path, the nudge queue and the first-week checklist."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cop_platform.params import get_int

from .. import craft_panels, nudges, path
from ..models import Membership, Nudge
from ..nudges import NudgeError
from ..path import PathError, Stage
from ..policy import get_community_for
from .community import refuse_if_limited

# --- the participation path ----------------------------------------------------------------------


def path_page(request, slug):
    """Every member on the path, those ready for their next step first (one query a page)."""
    community, access = get_community_for(request.user, slug)
    if not access.can_manage_path:
        raise Http404
    settings = path.settings_for(community)
    ready = path.ready_members(community, limit=50)
    memberships = path.with_progress(
        Membership.objects.active().filter(community=community).select_related("user"), community
    ).order_by(Membership.role_order(), "-stage", "user__display_name")
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    rows = [(m, path.progress_of(m, community, settings)) for m in page.object_list]
    return render(
        request,
        "communities/path.html",
        {"community": community, "access": access, "page": page, "rows": rows, "ready": ready,
         "settings": settings, "names": path.stage_names(community)},
    )  # fmt: skip


class PathSettingsForm(forms.Form):
    regular_replies = forms.IntegerField(label="Replies", min_value=0, max_value=1000)
    regular_accepted = forms.IntegerField(label="or accepted answers", min_value=0, max_value=1000)
    regular_days = forms.IntegerField(label="within days", min_value=1, max_value=3650)
    core_replies = forms.IntegerField(label="Replies", min_value=0, max_value=1000)
    core_accepted = forms.IntegerField(label="or accepted answers", min_value=0, max_value=1000)
    core_days = forms.IntegerField(label="within days", min_value=1, max_value=3650)

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        for stage, name in names:
            self.fields[f"name_{int(stage)}"] = forms.CharField(
                label=f"Stage {int(stage) + 1}", max_length=40, initial=name
            )


def path_settings(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_manage_path:
        raise Http404
    settings = path.settings_for(community)
    names = path.stage_names(community)
    initial = {k: v for k, v in settings.items() if k != "names"}
    initial.update({f"name_{int(s)}": n for s, n in names})
    form = PathSettingsForm(request.POST or None, initial=initial, names=names)
    if request.method == "POST" and form.is_valid():
        try:
            path.update_settings(request.user, community, form.cleaned_data)
        except PathError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The participation path is saved.")
            return redirect("communities:path", slug=slug)
    return render(
        request, "communities/path_settings.html", {"community": community, "access": access, "form": form}
    )


@require_POST
@ratelimit(key="user", rate="120/h", method="POST", block=True)
def move_up(request, slug, pk):
    community, access = get_community_for(request.user, slug)
    if not access.can_manage_path:
        raise Http404
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, community=community)
    note = request.POST.get("note", "")[:2000]
    try:
        moved = path.move_up(request.user, membership, note)
    except PathError as error:
        messages.error(request, str(error))
    else:
        name = path.stage_name(community, moved.stage if moved.stage < Stage.CORE else Stage.CORE)
        messages.success(request, f"{membership.user.name} is now “{name}”; they will see your note.")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("communities:path", slug=slug)


# --- the nudge queue -----------------------------------------------------------------------------


def nudges_page(request, slug):
    """The facilitator's worklist for today (three queries whatever the number of items)."""
    community, access = get_community_for(request.user, slug)
    if not access.can_see_nudges:
        raise Http404
    items = list(
        Nudge.objects.for_queue(request.user).filter(community=community).select_related("member")[:100]
    )
    return render(
        request,
        "communities/nudges.html",
        {"community": community, "access": access, "items": items,
         "stats": nudges.conversion(request.user, community), "kinds": Nudge.Kind},
    )  # fmt: skip


class NudgeMessageForm(forms.Form):
    to = forms.TypedChoiceField(label="To", coerce=int)
    body = forms.CharField(label="Your message", max_length=10000, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(p.pk, p.name) for p in people]


@ratelimit(key="user", rate="60/h", method="POST", block=False)
def nudge_message(request, slug, pk):
    community, access = get_community_for(request.user, slug)
    if not access.can_see_nudges:
        raise Http404
    nudge = nudges.get_nudge_for(request.user, community, pk)
    nudge.community = community
    people = nudges.recipients_for(nudge) if nudge.kind != Nudge.Kind.JOIN_REQUEST else []
    # "?to=<id>" picks another suggested member; the draft is written to them (works without JS).
    wanted = get_int(request.GET, "to", 0, minimum=0)
    first = next((p for p in people if p.pk == wanted), people[0] if people else None)
    initial = {"to": first.pk, "body": nudges.draft_for(nudge, first, request.user)} if first else {}
    form = NudgeMessageForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        recipient = next(p for p in people if p.pk == form.cleaned_data["to"])
        try:
            nudges.send_nudge(request.user, nudge, recipient, form.cleaned_data["body"])
        except NudgeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your message to {recipient.name} was sent.")
            return redirect("communities:nudges", slug=slug)
    return render(
        request,
        "communities/nudge_message.html",
        {"community": community, "access": access, "nudge": nudge, "form": form,
         "others": [p for p in people if first is None or p.pk != first.pk]},
    )  # fmt: skip


@require_POST
def nudge_act(request, slug, pk):
    community, access = get_community_for(request.user, slug)
    if not access.can_see_nudges:
        raise Http404
    nudge = nudges.get_nudge_for(request.user, community, pk)
    try:
        if request.POST.get("action") == "snooze":
            nudges.snooze(request.user, nudge)
            messages.success(request, f"Snoozed for {nudges.SNOOZE_DAYS} days.")
        else:
            nudges.mark_done(request.user, nudge)
            messages.success(request, "Marked as done.")
    except NudgeError as error:
        messages.error(request, str(error))
    return redirect("communities:nudges", slug=slug)


def nudge_templates(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_see_nudges:
        raise Http404
    kinds = [k for k in Nudge.Kind if nudges.DEFAULT_TEMPLATES.get(k)]
    if request.method == "POST":
        try:
            nudges.update_templates(
                request.user, community, {k.value: request.POST.get(k.value, "") for k in kinds}
            )
        except NudgeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your templates are saved.")
            return redirect("communities:nudges", slug=slug)
    templates = [(k.value, k.label, nudges.template_for(community, k.value)) for k in kinds]
    return render(
        request,
        "communities/nudge_templates.html",
        {"community": community, "access": access, "templates": templates},
    )


# --- the first-week checklist --------------------------------------------------------------------


@require_POST
def dismiss_checklist(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.is_member:
        raise Http404
    craft_panels.dismiss_checklist(access.membership)
    return redirect(community)
