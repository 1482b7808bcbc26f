from django.contrib import admin

from beatdesk.core.admin import ForceScopedAdmin
from beatdesk.people.models import Officer


@admin.register(Officer)
class OfficerAdmin(ForceScopedAdmin):
    """Profiles only: roles, memberships and disabling go through the desk's services, which end
    the officer's sessions at once."""

    list_display = ["display_name", "rank", "collar_number", "force_role", "is_active"]
    list_filter = ["rank", "force_role", "is_active"]
    search_fields = ["display_name", "surname", "collar_number"]
    fields = ["first_name", "surname", "display_name", "rank", "collar_number", "bio", "photo",
              "signature_override", "requires_approval"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
