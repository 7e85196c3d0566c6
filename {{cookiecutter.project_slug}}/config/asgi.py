import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Requests run in threads of their own under ASGI: connections should come from a pool. Whatever
# starts this application says so with DATABASE_POOL=True (config/gunicorn.py, `make run`, the
# compose files, the test servers); see components/database.py.

application = get_asgi_application()
