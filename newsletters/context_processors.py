from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils.functional import SimpleLazyObject

from communities.models import Participant
from cop_platform import memberstate

from .models import Notification, Suppression


def _count(queryset, field):
    return Coalesce(
        Subquery(queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def unread_counts(user):
    """(unread notifications, conversations with unread messages, address suppressed) for the
    header and the bounce banner, in one query."""
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            notes=_count(
                Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True), "recipient"
            ),
            talks=_count(Participant.objects.unread().filter(user=OuterRef("pk")), "user"),
            bounced=Exists(Suppression.objects.filter(email=Lower(OuterRef("email")))),
        )
        .values_list("notes", "talks", "bounced")
        .first()
    )
    return tuple(row or (0, 0, False))


# Cached per member until a notification, conversation or suppression of theirs changes
# (cop_platform/memberstate.py): the header costs no query on most pages.
memberstate.register("header-counts", unread_counts)


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "unread_messages": 0, "email_suppressed": False}
    loaded = {}

    def counts():
        if "counts" not in loaded:
            loaded["counts"] = memberstate.get(user, "header-counts")
        return loaded["counts"]

    return {
        "unread_notifications": SimpleLazyObject(lambda: counts()[0]),
        "unread_messages": SimpleLazyObject(lambda: counts()[1]),
        # Our e-mails to this member bounce or they complained: base.html shows a banner.
        "email_suppressed": SimpleLazyObject(lambda: counts()[2]),
    }
