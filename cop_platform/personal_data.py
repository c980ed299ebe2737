"""Personal data: download everything held about me; delete my account.

Cross-app (like cop_platform/views/), and generic on purpose: the export walks every model
with a foreign key to the user, so data that apps add later is included without a change here.

- `export_zip(user)` -> bytes of a zip: `data.json` (the profile and, per model, every row that
  points at the user, secrets left out) and `files/` (files the user uploaded).
- `delete_account(user)`: posts and documents stay, attributed to "Former member"; the profile,
  e-mail addresses, sessions, two-factor devices, preferences and notifications are erased;
  memberships end. Refused while the user is the last facilitator of a community with other
  members (they hand over first).
"""

import io
import json
import zipfile

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from cop_platform import audit, memberstate
from cop_platform.refusals import Refused

# Never exported: secrets that would let someone act as the user, and internal bookkeeping.
SECRET_FIELDS = {"password", "key", "secret", "token", "data", "session_key", "session_data"}
PROFILE_FIELDS = [
    "email",
    "display_name",
    "organisation",
    "job_title",
    "bio",
    "timezone",
    "date_joined",
    "last_login",
]
FORMER_MEMBER = "Former member"


class AccountError(Refused):
    """str(error) tells the member what to do first."""


def _rows_pointing_at(user):
    """(model label, [row dicts], [files]) for each model with a foreign key to the user."""
    User = get_user_model()
    for model in apps.get_models():
        fks = [
            f
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is User and f.concrete
        ]
        if not fks or model is User:
            continue
        query = models.Q()
        for fk in fks:
            query |= models.Q(**{fk.name: user})
        rows, files = [], []
        for obj in model._default_manager.filter(query).order_by("pk")[:10000]:
            row = {}
            for field in model._meta.concrete_fields:
                if field.name in SECRET_FIELDS:
                    continue
                value = getattr(obj, field.attname)
                if isinstance(field, models.FileField):
                    value = value.name if value else ""
                    if value:
                        files.append(getattr(obj, field.name))
                row[field.name] = value
            rows.append(row)
        if rows:
            yield model._meta.label, rows, files


def export_data(user):
    """Everything held about `user`, as a JSON-able dict, and the files they uploaded."""
    data = {
        "exported_at": timezone.now(),
        "profile": {name: getattr(user, name) for name in PROFILE_FIELDS},
        "expertise": sorted(user.expertise.names()),
        "records": {},
    }
    files = []
    for label, rows, model_files in _rows_pointing_at(user):
        data["records"][label] = rows
        files.extend(model_files)
    return data, files


def export_zip(user, request=None):
    data, files = export_data(user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        seen = set()
        for fieldfile in files:
            name = f"files/{fieldfile.name}"
            if name in seen:
                continue
            seen.add(name)
            try:
                with fieldfile.open("rb") as source:
                    archive.writestr(name, source.read())
            except (OSError, ValueError):
                archive.writestr(name + ".missing.txt", "This file could not be read from storage.")
    audit.record("data_exported", user=user, request=request, files=len(seen))
    return out.getvalue()


def communities_needing_handover(user):
    """Communities where `user` is the only active facilitator and others are still members."""
    from communities.models import Membership

    mine = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
    ).select_related("community")
    blocked = []
    for membership in mine:
        others = Membership.objects.filter(
            community=membership.community, state=Membership.State.ACTIVE
        ).exclude(user=user)
        if others.exists() and not others.filter(role=Membership.Role.FACILITATOR).exists():
            blocked.append(membership.community)
    return blocked


@transaction.atomic
def delete_account(user, request=None):
    """Erase the person, keep the conversation. Raises AccountError when a hand-over is needed."""
    from communities.models import Membership

    blocked = communities_needing_handover(user)
    if blocked:
        names = ", ".join(c.name for c in blocked)
        raise AccountError(
            f"You are the only facilitator of {names}. Please make another member a facilitator there "
            "first, so the community is not left without one."
        )
    audit.record("account_deleted", user=user, request=request)
    Membership.objects.filter(user=user).exclude(state=Membership.State.BANNED).update(
        state=Membership.State.LEFT, role=Membership.Role.PERIPHERAL
    )
    memberstate.changed(user.pk)
    for label in ("account.EmailAddress", "mfa.Authenticator", "usersessions.UserSession"):
        model = _model_or_none(label)
        if model is not None:
            model.objects.filter(user=user).delete()
    for label in ("newsletters.Notification", "newsletters.Preference"):
        model = _model_or_none(label)
        if model is not None:
            field = "recipient" if label.endswith("Notification") else "user"
            model.objects.filter(**{field: user}).delete()
    user.expertise.clear()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = FORMER_MEMBER
    user.organisation = user.job_title = user.bio = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    _end_sessions(user)
    return user


def _model_or_none(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _end_sessions(user):
    """Sign the person out everywhere (a scan: account deletion is rare)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
