"""Read-only views of posts and the outbox for superusers; every change goes through the desk's
services, which check permission and write the audit trail."""

from __future__ import annotations

from django.contrib import admin

from beatdesk.publishing.models import Delivery, Notification, Post, PublishingPause, Tag


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(ReadOnly):
    list_display = ("id", "account", "author", "state", "scheduled_for", "published_at")
    list_filter = ("state", "force")
    list_select_related = ("account", "author")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("id", "action", "channel", "state", "attempts", "due_at", "last_error")
    list_filter = ("state", "action", "force")
    list_select_related = ("channel__account",)


@admin.register(Tag)
class TagAdmin(ReadOnly):
    list_display = ("name", "slug", "force")


@admin.register(PublishingPause)
class PauseAdmin(ReadOnly):
    list_display = ("force", "account", "reason", "paused_by", "paused_at", "resumed_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("officer", "text", "created_at", "read_at")
