"""Deployed environments. Every secret and URL comes from the environment, none has a default."""

from config.env import csrf_trusted_origins
from config.settings.base import *  # noqa: F403
from config.settings.base import CORS_ALLOW_CREDENTIALS, CORS_ALLOWED_ORIGINS, REST_FRAMEWORK
from config.settings.components.security import *  # noqa: F403
{%- if cookiecutter.use_sentry == "y" %}
from config.settings.components.sentry import *  # noqa: F403
{%- endif %}

DEBUG = False
CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(
    cors_origins=CORS_ALLOWED_ORIGINS,
    credentials=CORS_ALLOW_CREDENTIALS,
    default=("https://{{ cookiecutter.domain_name }}",),
)

# JSON only: the browsable API is a development convenience.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "{{ cookiecutter.project_slug }}.platform.core.renderers.JSONRenderer",
]
