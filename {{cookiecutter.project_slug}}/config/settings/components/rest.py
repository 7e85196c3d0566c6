from config.env import env, env_str_renamed

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
{%- if cookiecutter.use_supabase_auth == "y" %}
        # First, so unauthenticated requests get 401 with WWW-Authenticate: Bearer.
        "{{ cookiecutter.project_slug }}.platform.accounts.supabase_authentication.SupabaseTokenAuthentication",
{%- endif %}
        # An Authorization header no class above accepted is a 401, even with a session cookie.
        "{{ cookiecutter.project_slug }}.platform.accounts.authorization_header.RefuseUnsupportedAuthorization",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "{{ cookiecutter.project_slug }}.platform.rate_limit.throttles.RedisUserThrottle",
        "{{ cookiecutter.project_slug }}.platform.rate_limit.throttles.RedisScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Every API request, per user (or per client IP when anonymous): generous.
        "user": env.str("RATE_LIMIT_USER_RATE", default="600/min"),
        # Views with throttle_scope = "auth" (logging in): strict, against password guessing.
        "auth": env.str("RATE_LIMIT_AUTH_RATE", default="10/min"),
        # Per client IP, every request refused for missing or failed authentication (401/403){% if cookiecutter.use_supabase_auth == "y" %},
        # and checked before a Bearer token is{% endif %} (rate_limit/anonymous.py).
        "anonymous": env_str_renamed(
            "RATE_LIMIT_ANONYMOUS_RATE", old_name="RATE_LIMIT_ANON_RATE", default="60/min"
        ),
{%- if cookiecutter.use_supabase_auth == "y" %}
        # Per client IP, first sign-ins with a Supabase token (each creates a local user):
        # accounts are cheap to mint, so one client could otherwise create thousands.
        "sign_up": env.str("RATE_LIMIT_SIGN_UP_RATE", default="30/hour"),
{%- endif %}
    },
    "DEFAULT_RENDERER_CLASSES": [
        # DRF's, embedding JSON the API encoded before (a cached page) as it is (core/renderers.py).
        "{{ cookiecutter.project_slug }}.platform.core.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Ours, not DRF's: bounded by API_MAX_BODY_BYTES, hostile JSON is a 400 (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["{{ cookiecutter.project_slug }}.platform.core.parsers.JSONParser"],
    # Lists every error an operation can answer and every input constraint (core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "{{ cookiecutter.project_slug }}.platform.core.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "{{ cookiecutter.project_slug }}.platform.core.exception_handler.api_exception_handler",
}

# What one request may make the server hold and store. A larger JSON body is a 413
# `request_too_large` before it is parsed; Django's own check (forms, the admin) gets the same bound.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

# The schema and docs page (/api/schema/, /api/docs/): for anyone, or staff only (core/permissions).
# Off unless asked for: local and test settings turn it on.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

# Seconds each process keeps its readiness report (/api/health/, /api/health/ready/): however many
# requests ask, the dependencies are probed once per period.
HEALTH_CACHE_SECONDS = env.float("HEALTH_CACHE_SECONDS", default=2.0)

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "{{ cookiecutter.version }}",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [
        "{{ cookiecutter.project_slug }}.platform.core.permissions.ApiDocsAccess",
    ],
    # Swagger UI from drf-spectacular-sidecar (INSTALLED_APPS), pinned in pyproject.toml.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# base.py star-imports this module: only the settings above may leave it.
del env, env_str_renamed
