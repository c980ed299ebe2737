"""Demo data for the facilitator's craft (run by seed_demo after the discussions). Safe to run twice.

In "Benefits Realisation": a participation path with members at every stage (and one ready to
move up), a few private conversations, two newcomers for the nudge queue (one who never posted,
one whose first post, made by forums.demo_craft, waits for a reply), a sent nudge that converted, and a pending
invitation. Priya (facilitator) sees it all; Grace (member) sees her path and her messages; Ivy
(ivy@example.com, joined two days ago) sees the first-week checklist.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import invitations, messaging, nudges
from .models import Activity, Conversation, Invitation, Membership, Nudge, StageChange
from .path import Stage

SLUG = "benefits-realisation"
NEWCOMERS = [
    ("nadia", "Nadia Brooks", "Cardiff Council", "Project Officer", 9),
    ("leo", "Leo Fraser", "Home Office", "Business Analyst", 12),
    # In her first week: the home page shows her the first-week checklist.
    ("ivy", "Ivy Chen", "Transport for the North", "Benefits Officer", 2),
]


def _newcomer(local, name, organisation, title, password):
    User = get_user_model()
    email = f"{local}@example.com"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, display_name=name, organisation=organisation, job_title=title
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _history(membership, facilitator, role_before, stage_before, when):
    """One recorded step of the path (communities.models.StageChange), as path.move_up keeps it."""
    if not StageChange.objects.filter(membership=membership).exists():
        StageChange.objects.create(
            community_id=membership.community_id, membership=membership, user_id=membership.user_id,
            role_before=role_before, stage_before=int(stage_before), role=membership.role,
            stage=int(membership.stage or 0), changed_by=facilitator, changed_at=when,
        )  # fmt: skip


def seed(world):
    communities, people = world.get("communities", {}), world.get("people", {})
    community = communities.get(SLUG)
    if community is None or "priya" not in people:
        return world
    if Conversation.objects.filter(started_by=people["priya"]).exists():
        return world  # already seeded
    from .demo import DEMO_PASSWORD

    now = timezone.now()
    priya, grace, maya, chloe = people["priya"], people["grace"], people["maya"], people["chloe"]
    # Long-standing demo people are not "new accounts" (whose message limits are tighter).
    get_user_model().objects.filter(pk__in=[p.pk for p in people.values()]).update(
        date_joined=now - datetime.timedelta(days=300)
    )

    # --- the path: observer, contributor, regular, core (chloe, maya), facilitator (priya) ----------
    members = {m.user_id: m for m in Membership.objects.filter(community=community).select_related("user")}
    posted = set(
        Activity.objects.filter(community=community, verb__in=("thread.created", "post.created")).values_list(
            "actor_id", flat=True
        )
    )
    peripheral = [m for m in members.values() if m.role == Membership.Role.PERIPHERAL]
    contributors = [m for m in peripheral if m.user_id in posted]
    if contributors:
        regular = contributors[0]
        Membership.objects.filter(pk=regular.pk).update(stage=Stage.REGULAR)
        regular.stage = Stage.REGULAR
        _history(
            regular, priya, Membership.Role.PERIPHERAL, Stage.CONTRIBUTOR, now - datetime.timedelta(days=25)
        )
    # The core members were regulars whom Priya moved up, Chloe ten weeks ago and Maya five: the
    # dashboard's "members by stage" shows those steps where they happened.
    for person, weeks in ((chloe, 10), (maya, 5)):
        if person.pk in members:
            _history(members[person.pk], priya, Membership.Role.PERIPHERAL, Stage.REGULAR,
                     now - datetime.timedelta(weeks=weeks))  # fmt: skip

    # --- newcomers for the nudge queue --------------------------------------------------------------
    newcomers = []
    for local, name, organisation, title, days in NEWCOMERS:
        user = _newcomer(local, name, organisation, title, DEMO_PASSWORD)
        Membership.objects.update_or_create(
            user=user, community=community,
            defaults={"state": Membership.State.ACTIVE, "role": Membership.Role.PERIPHERAL,
                      "joined_at": now - datetime.timedelta(days=days)},
        )  # fmt: skip
        newcomers.append(user)
    nadia = newcomers[0]

    # --- a few conversations ---------------------------------------------------------------------
    talk = messaging.start_conversation(
        priya, [grace], "Hi Grace, your question on benefit profiles sparked a great thread. Would you "
        "like to share the template you mentioned in the library?", subject="Your benefit profile template",
    )  # fmt: skip
    messaging.send_message(grace, talk, "Happy to! I'll tidy it up and upload it this week.")
    messaging.send_message(priya, talk, "Wonderful, thank you. I'll feature it in the newsletter.")
    messaging.start_conversation(
        grace,
        [maya],
        "Maya, could I ask you about evaluating benefits two years on? Your article was spot on.",
    )
    messaging.start_conversation(
        priya,
        [maya, chloe],
        "Would you two co-host next month's hot seat on dis-benefits?",
        subject="Hot seat idea",
    )

    # --- the nudge queue: build it, and show a nudge that converted ---------------------------------
    nudges.build_queue(community, now)
    olivia = people.get("olivia")
    if olivia is not None:
        Nudge.objects.create(
            community=community, facilitator=priya, kind=Nudge.Kind.NEWCOMER, key=f"newcomer:{olivia.pk}:demo",
            member=olivia, title=f"{olivia.name} had not posted yet", status=Nudge.Status.SENT,
            acted_at=now - datetime.timedelta(days=20), messaged=olivia,
            outcome_due_at=now - datetime.timedelta(days=13), converted=True, created_at=now - datetime.timedelta(days=20),
        )  # fmt: skip
    newcomers[2].expertise.set(["benefits realisation"])
    world["craft_newcomers"] = {"nadia": nadia, "leo": newcomers[1], "ivy": newcomers[2]}

    # --- a pending invitation ---------------------------------------------------------------------
    if not Invitation.objects.filter(community=community).exists():
        invitations.invite(
            priya, community, ["jo.evans@example.net"],
            "Jo, you asked me about benefits maps last week: this is where the people who know hang out.",
        )  # fmt: skip
    return world
