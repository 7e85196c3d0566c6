"""Development on your machine: `make run`."""

from config.env import {% if cookiecutter.use_supabase_auth == "y" %}BASE_DIR, {% endif %}csrf_trusted_origins, env
from config.settings.base import *  # noqa: F403
from config.settings.base import CORS_ALLOW_CREDENTIALS

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The OpenAPI schema and docs page are public while developing (production: staff only).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
# A front end's development server on this machine may call the API (production: none by default).
CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS",
    default=[
        f"http://{host}:{port}"
        for host in ("localhost", "127.0.0.1")
        for port in (3000, 5173, 8080)  # Next.js / Create React App, Vite, Vue CLI
    ],
)
CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(
    cors_origins=CORS_ALLOWED_ORIGINS, credentials=CORS_ALLOW_CREDENTIALS
)
{%- if cookiecutter.use_supabase_auth == "y" %}
# `manage.py dev_token <username>` signs access tokens with this key, made on first use, for a
# front end to call the API without a Supabase project (git ignores the file).
SUPABASE_DEV_TOKEN_KEY_FILE = str(BASE_DIR / ".dev-token-key.pem")
{%- endif %}
