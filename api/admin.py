"""API tokens in the admin: an officer names a token for another city system; the key is shown once."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import ApiToken

from .auth import issue_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Officers create a named token for another city system; the key is shown once, here."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "read_only"]
    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.has_perm("registry.view_personal_data") else queryset.filter(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = issue_token(name=obj.name, user=request.user, read_only=obj.read_only)
        obj.pk, obj.prefix = token.pk, token.prefix
        messages.warning(request, _("The key for %(name)s, shown only now: %(key)s") % {"name": token.name, "key": key})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)s token(s) revoked.") % {"count": count})
