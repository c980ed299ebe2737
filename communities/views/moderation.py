"""Moderation pages: ban, silence and lift for facilitators; suspend and unsuspend for staff.

Thin views over `communities/moderation.py`; the policy decides who may act (404 for anyone else).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cop_platform.params import get_int

from .. import moderation
from ..forms import SanctionForm, SilenceForm, WatchedWordForm
from ..models import Membership, WatchedWord
from ..policy import get_community_for
from ..services import CommunityError


def _to_moderate(user, slug, pk):
    community, access = get_community_for(user, slug)
    if not access.can_moderate_members:
        raise Http404
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, community=community)
    return community, access, membership


def _confirm(request, community, access, form, title, intro, submit):
    return render(
        request,
        "communities/moderate.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
        },
    )


def ban(request, slug, pk):
    community, access, membership = _to_moderate(request.user, slug, pk)
    if membership.user_id == request.user.pk:
        raise Http404
    form = SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.ban_member(request.user, community, membership.user, form.cleaned_data["reason"])
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{membership.user.name} is banned from {community.name}.")
            return redirect("communities:members", slug=slug)
    intro = f"{membership.user.name} will leave {community.name} at once and cannot rejoin or ask to join."
    return _confirm(request, community, access, form, f"Ban {membership.user.name}", intro, "Ban")


def silence(request, slug, pk):
    community, access, membership = _to_moderate(request.user, slug, pk)
    if membership.user_id == request.user.pk or not membership.is_active:
        raise Http404
    form = SilenceForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                moderation.silence_member(
                    request.user,
                    membership,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
            except CommunityError as error:
                form.add_error(None, str(error))
            else:
                days = form.cleaned_data["days"]
                messages.success(
                    request,
                    f"{membership.user.name} can read but not post for {days} day{'s' if days != 1 else ''}.",
                )
                return redirect("communities:members", slug=slug)
        else:
            messages.error(request, "Please check the number of days and the reason.")
    intro = f"{membership.user.name} will still read {community.name} but cannot post until the silence ends."
    return _confirm(request, community, access, form, f"Silence {membership.user.name}", intro, "Silence")


@require_POST
def lift(request, slug, pk):
    community, access, membership = _to_moderate(request.user, slug, pk)
    try:
        if membership.is_banned:
            moderation.lift_ban(request.user, membership)
            messages.success(request, f"{membership.user.name}'s ban is lifted; they may join again.")
        elif membership.is_silenced:
            moderation.silence_member(request.user, membership, days=0, reason="")
            messages.success(request, f"{membership.user.name} can post again.")
        else:
            messages.info(request, f"{membership.user.name} is neither banned nor silenced.")
    except CommunityError as error:
        messages.error(request, str(error))
    return redirect("communities:members", slug=slug)


def suspend(request, pk):
    if not request.user.is_authenticated or not request.user.is_staff:
        raise Http404
    person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    if person.pk == request.user.pk:
        raise Http404
    if request.method == "POST" and "unsuspend" in request.POST:
        moderation.unsuspend_user(request.user, person)
        messages.success(request, f"{person.name}'s suspension is lifted.")
        return redirect(person.get_absolute_url())
    form = SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.suspend_user(request.user, person, form.cleaned_data["reason"])
        except CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{person.name} is suspended: they can read but not post anywhere.")
            return redirect(person.get_absolute_url())
    return render(request, "communities/suspend.html", {"person": person, "form": form})


def watched_words(request, slug):
    """Facilitators keep this community's watched words: block refuses a post, flag reports it."""
    community, access = get_community_for(request.user, slug)
    if not access.can_moderate_members:
        raise Http404
    form = WatchedWordForm(request.POST if "word" in request.POST else None)
    if request.method == "POST" and "remove" in request.POST:
        WatchedWord.objects.filter(community=community, pk=get_int(request.POST, "remove", 0)).delete()
        messages.success(request, "The word is no longer watched.")
        return redirect("communities:watched_words", slug=slug)
    if request.method == "POST" and form.is_valid():
        word = " ".join(form.cleaned_data["word"].split())
        WatchedWord.objects.update_or_create(
            community=community, word=word, defaults={"action": form.cleaned_data["action"]}
        )
        messages.success(request, f"“{word}” is now watched.")
        return redirect("communities:watched_words", slug=slug)
    words = WatchedWord.objects.filter(community=community).order_by("word")
    return render(
        request,
        "communities/watched_words.html",
        {"community": community, "access": access, "form": form, "words": words},
    )
