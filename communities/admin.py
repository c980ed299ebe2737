from django.contrib import admin

from .models import Activity, Community, Membership, WatchedWord


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "visibility", "proposed_by", "proposed_at", "last_activity_at"]
    list_filter = ["status", "visibility"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["proposed_by", "decided_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "state", "joined_at"]
    list_filter = ["role", "state"]
    search_fields = ["user__email", "user__display_name", "community__name"]
    raw_id_fields = ["user", "community", "decided_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "community", "actor", "verb", "summary"]
    list_filter = ["verb"]
    raw_id_fields = ["community", "actor"]


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    """Staff keep the site-wide list here (leave the community empty); facilitators' words show too."""

    list_display = ["word", "action", "community"]
    list_filter = ["action"]
    search_fields = ["word"]
    raw_id_fields = ["community"]
