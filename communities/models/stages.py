from django.conf import settings
from django.db import models
from django.utils import timezone

from .community import Community, Membership


class StageChange(models.Model):
    """A member's step along the participation path or between roles, as it happened.

    Written by `communities.path.record_change` whenever a facilitator moves someone along the
    path or changes their role, with the values before and after, so that "members by stage over
    time" on the dashboard reads what was true each week rather than today's roles. A member
    with no row kept the role and stage they have now (`communities.path.stage_at`).
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="stage_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role_before = models.CharField(max_length=12, choices=Membership.Role.choices)
    stage_before = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=12, choices=Membership.Role.choices)
    stage = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["community", "changed_at"])]

    def __str__(self):
        return f"{self.user_id} in {self.community_id}: {self.role_before}/{self.stage_before} -> {self.role}/{self.stage}"
