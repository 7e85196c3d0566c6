import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Requests run in threads of their own under ASGI: connections should come from a pool. Whatever
# starts this application says so with DATABASE_POOL=True (`make run`, the development compose
# file, the test servers{% if cookiecutter.use_realtime == "y" %}, config/gunicorn_events.py{% endif %}); see components/database.py. The API's
# production server, config/gunicorn.py, runs config/wsgi.py instead.

application = get_asgi_application()
