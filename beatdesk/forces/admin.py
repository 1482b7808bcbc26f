from django.contrib import admin

from beatdesk.core.admin import ForceScopedAdmin, ForceScopedInline
from beatdesk.forces.models import Account, Channel, District, Place, Policy, PostcodeDistrict


class PlaceInline(ForceScopedInline):
    model = Place
    exclude = ["force"]


class PostcodeInline(ForceScopedInline):
    model = PostcodeDistrict
    exclude = ["force"]


@admin.register(District)
class DistrictAdmin(ForceScopedAdmin):
    list_display = ["name", "slug"]
    inlines = [PlaceInline, PostcodeInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.force_id = form.instance.force_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ChannelInline(ForceScopedInline):
    model = Channel
    fields = ["network", "handle", "profile_url", "state", "state_reason"]
    readonly_fields = ["state", "state_reason"]


@admin.register(Account)
class AccountAdmin(ForceScopedAdmin):
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [ChannelInline]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.force_id = form.instance.force_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Policy)
class PolicyAdmin(ForceScopedAdmin):
    list_display = ["force", "account_model", "signature_template", "time_zone"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
