"""Development on your machine: `make run`."""

from config.env import env
from config.settings.base import *  # noqa: F403

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
