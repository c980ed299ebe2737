from django.contrib import admin

from .models import Flag, ModerationAction, Post, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "author", "reply_count", "last_post_at", "is_locked"]
    list_filter = ["kind", "is_pinned", "is_locked"]
    search_fields = ["title"]
    raw_id_fields = ["author", "last_post_author", "accepted_post", "theme"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "author", "created_at", "hidden_at", "deleted_at"]
    raw_id_fields = ["thread", "author", "quoted", "hidden_by"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "reason", "created_at", "resolved_at"]
    raw_id_fields = ["post", "user", "resolved_by"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "community", "actor", "action", "note"]
    raw_id_fields = ["actor", "thread", "post"]
