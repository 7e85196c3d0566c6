import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Requests run in threads of their own under ASGI: connections come from a pool (see database.py).
os.environ.setdefault("DATABASE_POOL", "True")

application = get_asgi_application()
