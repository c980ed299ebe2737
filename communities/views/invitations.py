"""Invitations: the facilitator's page (invite, resend, revoke) and the invitee's link."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from .. import guests, invitations
from ..invitations import InvitationError
from ..models import Invitation
from ..policy import get_community_for
from .community import refuse_if_limited


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One address, or a pasted list separated by commas, spaces or new lines.",
    )  # fmt: skip
    note = forms.CharField(
        label="A personal note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say why you thought of them: it makes all the difference.",
    )  # fmt: skip

    def clean_emails(self):
        valid, invalid = invitations.parse_emails(self.cleaned_data["emails"])
        if invalid:
            shown = ", ".join(invalid[:5])
            raise forms.ValidationError(
                f"These do not look like e-mail addresses: {shown}. Please correct them."
            )
        if not valid:
            raise forms.ValidationError("Please enter at least one e-mail address.")
        if len(valid) > invitations.MAX_PER_BATCH:
            raise forms.ValidationError(
                f"Please invite at most {invitations.MAX_PER_BATCH} people at a time."
            )
        return valid


@ratelimit(key="user_or_ip", rate="20/h", method="POST", block=False)
def invitations_page(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_invite:
        raise Http404
    form = InviteForm(request.POST or None)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        try:
            created, skipped = invitations.invite(
                request.user, community, form.cleaned_data["emails"], form.cleaned_data["note"]
            )
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(
                    request, f"{len(created)} invitation{'s' if len(created) != 1 else ''} sent."
                )
            for email, why in skipped:
                messages.info(request, f"{email} {why}.")
            return redirect("communities:invitations", slug=slug)
    invited = Invitation.objects.filter(community=community, purpose="community").select_related(
        "accepted_by"
    )
    return render(
        request,
        "communities/invitations.html",
        {
            "community": community,
            "access": access,
            "form": form,
            "pending": list(invited.pending()[:200]),
            "accepted": list(invited.filter(accepted_at__isnull=False).order_by("-accepted_at")[:20]),
        },
    )


@require_POST
def invitation_action(request, slug, pk):
    community, access = get_community_for(request.user, slug)
    if not access.can_invite:
        raise Http404
    invitation = get_object_or_404(Invitation, pk=pk, community=community)
    try:
        if request.POST.get("action") == "revoke":
            invitations.revoke(request.user, invitation)
            messages.success(request, f"The invitation to {invitation.email} was revoked.")
        else:
            invitations.resend(request.user, invitation)
            messages.success(request, f"The invitation was sent to {invitation.email} again.")
    except InvitationError as error:
        messages.error(request, str(error))
    return redirect("communities:invitations", slug=slug)


@ratelimit(key="user_or_ip", rate="30/h", method="POST", block=True)
def accept(request, token):
    invitation = invitations.get_invitation(token)
    community = invitation.community
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={quote(request.path)}")
        try:
            invitations.accept(request.user, invitation)
        except InvitationError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        if invitation.purpose == guests.PURPOSE:
            messages.success(request, "You are on the guest list. Tell us if you will come.")
            return redirect(guests.landing(invitation))
        messages.success(request, f"Welcome to {community.name}!")
        return redirect(community)
    return render(
        request,
        "communities/invitation_accept.html",
        {"invitation": invitation, "community": community, "login_next": quote(request.path)},
    )
