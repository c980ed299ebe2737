from django.contrib import admin

from .models import FollowUp, HotSeat, Question


@admin.register(HotSeat)
class HotSeatAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "opens_at", "closes_at", "expert_name"]
    list_filter = ["status"]
    search_fields = ["title", "topic", "expert_email"]
    raw_id_fields = ["community", "theme", "expert", "created_by"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "hotseat", "vote_count", "answered_at", "hidden_at"]
    raw_id_fields = ["hotseat", "author", "edited_by", "hidden_by", "merged_into", "answered_by"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "created_at"]
    raw_id_fields = ["question", "author"]
