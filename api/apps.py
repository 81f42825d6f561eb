from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API, the command centre's door: serializers, token auth, guards, the router."""

    name = "api"
    verbose_name = "API"
