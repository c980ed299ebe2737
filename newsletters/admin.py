from django.contrib import admin

from .models import Delivery, Issue, Notification, Preference, Suppression


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "email", "status", "reason", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "key"]
    raw_id_fields = ["recipient"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "community"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "community", "status", "scheduled_for", "started_at", "recipient_count"]
    list_filter = ["status"]
    search_fields = ["subject", "community__name"]
    raw_id_fields = ["community", "author"]
    readonly_fields = ["body_html", "started_at", "finished_at", "recipient_count"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "digest", "newsletter", "immediate"]
    list_filter = ["digest", "newsletter", "immediate"]
    raw_id_fields = ["user", "community"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses the sending engine never mails (hard bounces, complaints, added by staff).
    Deleting a row lifts it; the member can also lift it from the banner they see."""

    list_display = ["email", "reason", "source", "created_at"]
    list_filter = ["reason", "source"]
    search_fields = ["email"]
    readonly_fields = ["created_at"]
