"""Token authentication for other city systems, and the permission rule shared by every endpoint."""

import hashlib
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from registry.models import ApiToken


def issue_token(*, name, user, read_only=True):
    """Create a token; returns (token, key). The key is never stored nor shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, user=user, read_only=read_only, prefix=key[:8], key_hash=hashlib.sha256(key.encode()).hexdigest()
    )
    return token, key


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Token."))
        key = header[1].decode(errors="replace")
        token = ApiToken.objects.select_related("user").filter(prefix=key[:8], revoked_at=None).first()
        if token is None or not secrets.compare_digest(token.key_hash, hashlib.sha256(key.encode()).hexdigest()):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is inactive."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, reads included (view_*); a read-only token never writes."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if (
            isinstance(request.auth, ApiToken)
            and request.auth.read_only
            and request.method not in permissions.SAFE_METHODS
        ):
            return False
        return super().has_permission(request, view)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI schema (security scheme `apiToken`)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Authorization: Token <key>. Keys are issued by an administrator (ApiToken in the admin).",
        }
