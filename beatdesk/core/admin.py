"""Django's admin, scoped for force admins.

A force admin (``Officer.force_role == "admin"``) sees and edits only their own force's
configuration; every save and delete made here is written to the audit trail with the acting
officer, like any other write. Sign-in goes through the desk's own login (so the same
protections apply); the admin's own login page only redirects there.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest

from beatdesk.audit.services import audit_record


def acting_officer(request: HttpRequest):
    user = request.user
    return user.officer if user.is_authenticated else None


class BeatdeskAdminSite(admin.AdminSite):
    site_header = "Beatdesk configuration"
    site_title = "Beatdesk configuration"
    index_title = "Your force's configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        if user.is_superuser:
            return True
        officer = user.officer
        return officer is not None and officer.is_active and officer.is_force_admin

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not a force admin: say so rather than loop through the login page.
            raise PermissionDenied("Only force admins can open the configuration pages.")
        return redirect_to_login(request.GET.get("next") or "/admin/")


class ForceScopedAdmin(admin.ModelAdmin):
    """Shows one force's rows, limits choices to that force, and audits every change."""

    force_field = "force"

    def _force_id(self, request: HttpRequest) -> int | None:
        officer = acting_officer(request)
        return officer.force_id if officer is not None else None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and acting_officer(request) is None:
            return qs
        return qs.filter(**{f"{self.force_field}_id": self._force_id(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        force_id = self._force_id(request)
        related = db_field.related_model
        if force_id is not None and related is not None:
            if related._meta.label_lower == "forces.force":
                kwargs["queryset"] = related.objects.filter(pk=force_id)
            elif any(f.name == "force" for f in related._meta.fields):
                kwargs["queryset"] = related.objects.filter(force_id=force_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        force_id = self._force_id(request)
        related = db_field.related_model
        if force_id is not None and any(f.name == "force" for f in related._meta.fields):
            kwargs["queryset"] = related.objects.filter(force_id=force_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if self._force_id(request) is not None and self.force_field == "force":
            excluded.append("force")
        return excluded

    @transaction.atomic
    def save_model(self, request, obj: models.Model, form, change: bool) -> None:
        force_id = self._force_id(request)
        if force_id is not None and self.force_field == "force":
            obj.force_id = force_id
        super().save_model(request, obj, form, change)
        audit_record(
            actor=acting_officer(request),
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            data={"changed": sorted(form.changed_data)},
        )

    @transaction.atomic
    def delete_model(self, request, obj: models.Model) -> None:
        audit_record(actor=acting_officer(request), action="admin.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def has_module_permission(self, request):
        return admin.site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_add_permission(self, request):
        return admin.site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return admin.site.has_permission(request)


class ForceScopedInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return admin.site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return admin.site.has_permission(request)
