"""Private messages: inbox, a conversation, starting one, settings, blocks and reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cop_platform.params import INT_MAX, parse_int

from .. import messaging
from ..messaging import MessagingError
from ..models import Block, MessageReport, MessagingSettings
from ..policy import can_read_reports
from .community import refuse_if_limited


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your reply", max_length=messaging.MAX_BODY, widget=forms.Textarea(attrs={"rows": 5})
    )


class NewConversationForm(MessageForm):
    subject = forms.CharField(label="Subject", max_length=150, required=False)
    field_order = ["subject", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your message"


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Staff will read this conversation to act on your report.",
    )  # fmt: skip


class WhoMayWriteForm(forms.Form):
    who_may_write = forms.ChoiceField(
        label="Who may start a conversation with me", choices=MessagingSettings.WhoMayWrite.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip


def _ids(values, limit=10):
    """Member ids from `?to=` (odd values are dropped, never a 500)."""
    ids = [parse_int(value, minimum=1, maximum=INT_MAX) for value in values[:limit]]
    return [i for i in ids if i is not None]


@login_required
def inbox(request):
    page = Paginator(messaging.inbox(request.user), 30).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.others = [p.user for p in row.conversation.participants.all() if p.user_id != request.user.pk]
    return render(request, "messaging/inbox.html", {"page": page})


@login_required
@ratelimit(key="user", rate="60/h", method="POST", block=False)
def conversation(request, pk):
    conversation, me = messaging.get_conversation_for(request.user, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if me is None:
            raise Http404
        if refuse_if_limited(request, form) and form.is_valid():
            try:
                messaging.send_message(request.user, conversation, form.cleaned_data["body"])
            except MessagingError as error:
                form.add_error("body", str(error))
            else:
                return redirect(f"{conversation.get_absolute_url()}#latest")
    if me is not None and me.unread_count:
        messaging.mark_read(request.user, conversation)
    others = [p.user for p in conversation.people if p.user_id != request.user.pk]
    blocked_ids = set(
        Block.objects.filter(blocker=request.user, blocked__in=others).values_list("blocked_id", flat=True)
    ) if me is not None else set()  # fmt: skip
    return render(
        request,
        "messaging/conversation.html",
        {
            "conversation": conversation,
            "me": me,
            "others": others,
            "blocked_ids": blocked_ids,
            "messages_list": conversation.messages.select_related("author"),
            "community": messaging.community_shown_to(conversation, request.user),
            "form": form,
        },
    )


@login_required
@ratelimit(key="user", rate="30/h", method="POST", block=False)
def new(request):
    source = request.POST if request.method == "POST" else request.GET
    recipients = list(get_user_model().objects.filter(pk__in=_ids(source.getlist("to")), is_active=True))
    if not recipients:
        messages.error(request, "Please choose who to write to from a profile or a member list.")
        return redirect("messaging:inbox")
    form = NewConversationForm(request.POST or None)
    refusals = messaging.message_refusals(request.user, recipients)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        try:
            started = messaging.start_conversation(
                request.user, recipients, form.cleaned_data["body"], subject=form.cleaned_data["subject"]
            )
        except MessagingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your message was sent.")
            return redirect(started)
    return render(
        request,
        "messaging/new.html",
        {"form": form, "recipients": recipients, "refusals": list(refusals.values())},
    )


@login_required
def settings_page(request):
    form = WhoMayWriteForm(
        request.POST or None, initial={"who_may_write": messaging.who_may_write(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        messaging.set_who_may_write(request.user, form.cleaned_data["who_may_write"])
        messages.success(request, "Your message settings are saved.")
        return redirect("messaging:settings")
    blocked = Block.objects.filter(blocker=request.user).select_related("blocked").order_by("-created_at")
    return render(request, "messaging/settings.html", {"form": form, "blocked": blocked})


@login_required
@require_POST
def block(request, user_id):
    other = get_object_or_404(get_user_model(), pk=user_id)
    if request.POST.get("action") == "unblock":
        messaging.unblock(request.user, other)
        messages.success(request, f"{other.name} can write to you again.")
    else:
        try:
            messaging.block(request.user, other)
        except MessagingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{other.name} can no longer write to you.")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("messaging:settings")


@login_required
@require_POST
def leave(request, pk):
    conversation, me = messaging.get_conversation_for(request.user, pk)
    if me is None:
        raise Http404
    messaging.leave_conversation(request.user, conversation)
    messages.success(request, "You left the conversation.")
    return redirect("messaging:inbox")


@login_required
@ratelimit(key="user", rate="10/h", method="POST", block=False)
def report(request, pk):
    conversation, me = messaging.get_conversation_for(request.user, pk)
    if me is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and refuse_if_limited(request, form) and form.is_valid():
        try:
            messaging.report(request.user, conversation, form.cleaned_data["reason"])
        except MessagingError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, "Thank you. Staff will read the conversation and act on your report.")
            return redirect(conversation)
    return render(request, "messaging/report.html", {"conversation": conversation, "form": form})


@login_required
def reports(request):
    if not can_read_reports(request.user):
        raise Http404
    reports = MessageReport.objects.select_related("reporter", "conversation").order_by(
        "resolved_at", "-created_at"
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "messaging/reports.html", {"page": page})


@login_required
@require_POST
def resolve_report(request, pk):
    if not can_read_reports(request.user):
        raise Http404
    report = get_object_or_404(MessageReport, pk=pk)
    messaging.resolve_report(request.user, report)
    messages.success(request, "The report is marked as handled.")
    return redirect("messaging:reports")
