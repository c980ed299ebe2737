from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from communities import activity
from communities.models import Community
from communities.policy import (
    access_for,
    can_answer_in_hotseat,
    can_ask_in_hotseat,
    can_edit_hotseat_question,
    can_follow_up_in_hotseat,
    can_vote_in_hotseat,
    get_community_for,
)
from cop_platform.params import get_int

from .. import calendar, services
from ..access import get_hotseat_for
from ..forms import ExtendForm, HotSeatForm, QuestionForm, SearchForm
from ..models import FollowUp, HotSeat, Question, Vote
from ..services import HotSeatError

SORTS = {
    "votes": ("Most votes", ["-vote_count", "created_at", "pk"]),
    "unanswered": ("Unanswered", ["-vote_count", "created_at", "pk"]),
    "newest": ("Newest", ["-created_at", "-pk"]),
}


def _back(hotseat, question=None):
    url = reverse("hotseats:detail", args=[hotseat.community.slug, hotseat.pk])
    return redirect(f"{url}#q{question.pk}" if question else url)


# --- community pages ----------------------------------------------------------------------


def hotseat_list(request, slug):
    community, access = get_community_for(request.user, slug)
    now = timezone.now()
    hotseats = HotSeat.objects.for_viewer(access).select_related("expert", "community", "theme")
    current = list(hotseats.current_or_upcoming(now))
    drafts = list(hotseats.filter(status=HotSeat.Status.DRAFT).order_by("opens_at"))
    past = hotseats.past(now).annotate(
        answered_count=Count(
            "questions", filter=Q(questions__answered_at__isnull=False, questions__hidden_at__isnull=True)
        )
    )
    page = Paginator(past.order_by("-closes_at"), 20).get_page(get_int(request.GET, "page", 1, minimum=1))
    form = SearchForm(request.GET or None)
    results, query = None, ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        answered = Question.objects.shown().answered().filter(hotseat__in=hotseats.published())
        results = list(answered.search(query).select_related("hotseat", "hotseat__community")[:50])
    feed_url = None
    if community.is_open:
        feed_url = reverse("hotseats:feed", args=[community.slug])
    elif access.is_member:
        feed_url = reverse(
            "hotseats:member_feed", args=[community.slug, calendar.feed_token(access.membership)]
        )
    return render(
        request,
        "hotseats/list.html",
        {
            "community": community, "access": access, "current": current, "drafts": drafts, "page": page,
            "form": form, "results": results, "query": query, "feed_url": feed_url, "now": now,
        },
    )  # fmt: skip


@login_required
@ratelimit(key="user", rate="20/h", method="POST", block=True)
def hotseat_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not access.can_run_hotseat:
        raise Http404
    form = HotSeatForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hotseat = services.create_hotseat(
                request.user, community,
                title=data["title"], topic=data["topic"], description=data["description"],
                expert_name=data["expert_name"], expert_email=data["expert_email"], expert_bio=data["expert_bio"],
                opens_at=data["opens_at"], closes_at=data["closes_at"], theme=data["theme"],
                tags=data.get("tags") or [], schedule="schedule" in request.POST,
            )  # fmt: skip
        except HotSeatError as error:
            form.add_error(None, str(error))
        else:
            if hotseat.status == HotSeat.Status.DRAFT:
                messages.success(
                    request, "The hot seat is saved as a draft. Only facilitators can see it for now."
                )
            else:
                messages.success(request, "The hot seat is scheduled and members have been told.")
            return _back(hotseat)
    return render(
        request,
        "hotseats/form.html",
        {"community": community, "access": access, "form": form, "creating": True},
    )


@login_required
def hotseat_edit(request, slug, pk):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    if not access.can_run_hotseat:
        raise Http404
    community = hotseat.community
    form = HotSeatForm(request.POST or None, instance=hotseat, community=community)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        hotseat.refresh_from_db()
        try:
            services.update_hotseat(request.user, hotseat, **data)
        except HotSeatError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The hot seat's details are saved.")
            return _back(hotseat)
    return render(
        request,
        "hotseats/form.html",
        {"community": community, "access": access, "form": form, "hotseat": hotseat, "creating": False},
    )


def _state_change(request, slug, pk, change, done):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    if not access.can_run_hotseat:
        raise Http404
    try:
        change(request.user, hotseat)
    except HotSeatError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(hotseat)


@login_required
@require_POST
def hotseat_schedule(request, slug, pk):
    return _state_change(request, slug, pk, services.schedule_hotseat, "Scheduled: members have been told.")


@login_required
@require_POST
def hotseat_open(request, slug, pk):
    return _state_change(request, slug, pk, services.open_early, "The hot seat is open for questions.")


@login_required
@require_POST
def hotseat_close(request, slug, pk):
    return _state_change(
        request, slug, pk, services.close_early, "The hot seat is closed; its transcript is ready."
    )


@login_required
@require_POST
def hotseat_resend_invitation(request, slug, pk):
    return _state_change(
        request, slug, pk, services.resend_invitation, "The invitation is on its way to the expert again."
    )


@login_required
def hotseat_extend(request, slug, pk):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    if not access.can_run_hotseat:
        raise Http404
    form = ExtendForm(request.POST or None, initial={"closes_at": hotseat.closes_at})
    if request.method == "POST" and form.is_valid():
        try:
            services.extend(request.user, hotseat, form.cleaned_data["closes_at"])
        except HotSeatError as error:
            form.add_error("closes_at", str(error))
        else:
            messages.success(request, "The hot seat now closes later.")
            return _back(hotseat)
    return _form_page(request, hotseat, access, form, "Extend the hot seat", "Extend")


# --- the hot seat page --------------------------------------------------------------------


def _questions_for(hotseat, access, sort):
    questions = Question.objects.filter(hotseat=hotseat, merged_into__isnull=True)
    if not access.can_run_hotseat:
        questions = questions.filter(hidden_at__isnull=True)
    if sort == "unanswered":
        questions = questions.unanswered()
    return (
        questions.select_related("author")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("author")))
        .order_by(*SORTS[sort][1])
    )


@ratelimit(key="user_or_ip", rate="30/h", method="POST", block=True)
def hotseat_detail(request, slug, pk):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                question = services.ask_question(request.user, hotseat, form.cleaned_data["body"])
            except HotSeatError as error:
                form.add_error("body", str(error))
            else:
                messages.success(request, "Thank you! Your question is in the queue.")
                return _back(hotseat, question)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "votes"
    questions = list(_questions_for(hotseat, access, sort))
    for question in questions:
        question.can_edit = can_edit_hotseat_question(access, question)
    my_votes = set()
    if request.user.is_authenticated:
        my_votes = set(
            Vote.objects.filter(user=request.user, question__hotseat=hotseat).values_list(
                "question_id", flat=True
            )
        )
    if access.is_member:
        activity.note_presence(request, hotseat.community)
    is_expert = can_answer_in_hotseat(access, hotseat)
    state = hotseat.state
    return render(
        request,
        "hotseats/detail.html",
        {
            "community": hotseat.community, "access": access, "hotseat": hotseat, "state": state,
            "questions": questions, "my_votes": my_votes, "form": form, "sort": sort, "sorts": SORTS,
            "is_expert": is_expert, "can_ask": can_ask_in_hotseat(access) and hotseat.takes_questions,
            "can_vote": can_vote_in_hotseat(access) and state != HotSeat.Status.CLOSED,
            "can_follow_up": can_follow_up_in_hotseat(access, hotseat) and state == HotSeat.Status.OPEN,
            "unanswered_count": sum(1 for q in questions if not q.is_answered and not q.is_hidden),
            "guest": not access.can_view,
        },
    )  # fmt: skip


def transcript(request, slug, pk):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    questions = list(
        Question.objects.filter(hotseat=hotseat)
        .shown()
        .answered()
        .select_related("author")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("author")))
        .order_by("created_at", "pk")
    )
    unanswered = Question.objects.filter(hotseat=hotseat).shown().unanswered().count()
    return render(
        request,
        "hotseats/transcript.html",
        {
            "community": hotseat.community, "access": access, "hotseat": hotseat, "questions": questions,
            "unanswered": unanswered, "guest": not access.can_view,
        },
    )  # fmt: skip


# --- pages with a form ---------------------------------------------------------------------


def _form_page(request, hotseat, access, form, heading, submit, question=None, status=200):
    return render(
        request,
        "hotseats/form_page.html",
        {
            "community": hotseat.community, "access": access, "hotseat": hotseat, "form": form,
            "heading": heading, "submit": submit, "question": question, "guest": not access.can_view,
        },
        status=status,
    )  # fmt: skip


# --- the invited expert -------------------------------------------------------------------


def invitation(request, slug, pk, token):
    hotseat = (
        HotSeat.objects.select_related("community", "expert")
        .filter(pk=pk, community__slug=slug, invite_token=token)
        .exclude(status=HotSeat.Status.DRAFT)
        .first()
    )
    if hotseat is None or not hotseat.community.is_live:
        raise Http404
    error = None
    if request.user.is_authenticated:
        try:
            services.accept_invitation(request.user, hotseat, token)
        except HotSeatError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Welcome, {request.user.name}! This is your hot seat.")
            return _back(hotseat)
    return render(request, "hotseats/invitation.html", {"hotseat": hotseat, "error": error})


# --- calendars ----------------------------------------------------------------------------


def _ics(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def hotseat_ics(request, slug, pk):
    hotseat, access = get_hotseat_for(request.user, slug, pk)
    if hotseat.status == HotSeat.Status.DRAFT:
        raise Http404
    return _ics(calendar.build_calendar([hotseat], hotseat.title), f"hotseat-{hotseat.pk}.ics")


def _feed(community):
    hotseats = HotSeat.objects.filter(community=community).published().select_related("expert", "community")
    body = calendar.build_calendar(hotseats.order_by("opens_at"), f"{community.name}: hot seats")
    return _ics(body, f"{community.slug}-hotseats.ics")


def feed(request, slug):
    """The public feed of an open community (calendar apps fetch it without signing in)."""
    community = Community.objects.listed().filter(slug=slug, visibility=Community.Visibility.OPEN).first()
    if community is None:
        raise Http404
    return _feed(community)


def member_feed(request, slug, token):
    """A member's secret feed URL; it stops working when they stop being a member."""
    community = Community.objects.filter(slug=slug, status__in=Community.LIVE_STATUSES).first()
    membership = calendar.membership_for_token(token, community) if community else None
    if membership is None or not access_for(membership.user, community, membership).can_view:
        raise Http404
    return _feed(community)
