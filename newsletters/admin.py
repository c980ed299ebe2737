from django.contrib import admin

from .models import Delivery, Notification


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "email", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "key"]
    raw_id_fields = ["recipient"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "community"]
