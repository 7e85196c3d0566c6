"""Settings shared by every environment. Integrations live in `components/`, one module each."""

import django_stubs_ext

from config.env import BASE_DIR, dev_default, env, read_env_file
from config.proxies import trusted_proxies

# Lets the typed generics the code uses (QuerySet[User], ModelAdmin[...]) exist at run time too.
django_stubs_ext.monkeypatch()
read_env_file()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=dev_default("insecure-development-key-only"))
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=dev_default(["localhost", "127.0.0.1"]))
# Reverse proxies whose X-Forwarded-For/-Proto are believed (config/proxies.py; gunicorn and
# uvicorn read the same list).
TRUSTED_PROXIES = trusted_proxies()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files served by the app (/static/), not fetched from a CDN: the docs page works
    # offline and runs no third-party script on the origin of the session cookie and the admin.
    "drf_spectacular_sidecar",
{%- if cookiecutter.__celery_beat == "y" %}
    "django_celery_beat",
{%- endif %}
    "{{ cookiecutter.project_slug }}.platform.observability",
    "{{ cookiecutter.project_slug }}.platform.core",
    "{{ cookiecutter.project_slug }}.platform.accounts",
    "{{ cookiecutter.project_slug }}.platform.rate_limit",
{%- if cookiecutter.use_celery == "y" %}
    "{{ cookiecutter.project_slug }}.platform.jobs",
{%- endif %}
{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}
    "{{ cookiecutter.project_slug }}.platform.integrations.supabase",
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
    "{{ cookiecutter.project_slug }}.platform.files",
{%- endif %}
{%- if cookiecutter.use_realtime == "y" %}
    "{{ cookiecutter.project_slug }}.platform.realtime",
{%- endif %}
{%- if cookiecutter.include_example == "y" %}
    # The product: the example app, yours to replace (README: Your first app).
    "{{ cookiecutter.project_slug }}.notes",
{%- endif %}
    # make app: new apps go above this line.
]

MIDDLEWARE = [
    # Before everything: every line logged while serving the request carries its id, and every
    # response carries it back, a refusal by any later layer included. The id is the client's or
    # the proxy's X-Request-ID, whoever sent it (it is validated, never trusted for anything).
    "{{ cookiecutter.project_slug }}.platform.observability.request_ids.request_id_middleware",
    # Then: every later layer (HTTPS redirect, rate limits) must see the real client address.
    "{{ cookiecutter.project_slug }}.platform.core.client_address.trusted_proxy_middleware",
    # Before anything that may answer (WhiteNoise, CommonMiddleware): a preflight to an /api/ path
    # is answered here, at the cost of one regex match for every other request.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "{{ cookiecutter.project_slug }}.platform.rate_limit.middleware.RateLimitHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, handing the session's user copy to the backend.
    "{{ cookiecutter.project_slug }}.platform.accounts.middleware.SessionUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Django's CSRF failure page is HTML; the project answers every error in its JSON shape.
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.platform.core.error_views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "{{ cookiecutter.timezone }}"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

{%- if cookiecutter.use_celery == "y" %}
from config.settings.components.celery import *  # noqa: E402, F403
{%- endif %}
from config.settings.components.cors import *  # noqa: E402, F403
from config.settings.components.database import *  # noqa: E402, F403
from config.settings.components.logging import *  # noqa: E402, F403
from config.settings.components.metrics import *  # noqa: E402, F403
{%- if cookiecutter.include_example == "y" %}
from config.settings.components.notes import *  # noqa: E402, F403
{%- endif %}
from config.settings.components.rate_limit import *  # noqa: E402, F403
{%- if cookiecutter.use_realtime == "y" %}
from config.settings.components.realtime import *  # noqa: E402, F403
{%- endif %}
from config.settings.components.redis import *  # noqa: E402, F403
from config.settings.components.rest import *  # noqa: E402, F403
from config.settings.components.sessions import *  # noqa: E402, F403
{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}
from config.settings.components.supabase import *  # noqa: E402, F403
{%- endif %}

# Request metrics wrap every other middleware (components/metrics.py; empty when off).
MIDDLEWARE = [*METRICS_MIDDLEWARE, *MIDDLEWARE]  # noqa: F405
