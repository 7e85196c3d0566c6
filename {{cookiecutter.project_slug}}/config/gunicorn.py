"""gunicorn with uvicorn workers: the production server (ASGI, so the event stream works).

Every value can be tuned from the environment without rebuilding the image.
"""

import multiprocessing

from config.env import env, read_env_file
from config.proxies import trusted_proxies

# The env file is read first, as Django's settings do, so its values count here too.
read_env_file()

bind = env.str("GUNICORN_BIND", default="0.0.0.0:8000")
worker_class = "uvicorn_worker.UvicornWorker"
workers = env.int("WEB_CONCURRENCY", default=multiprocessing.cpu_count() * 2 + 1)
# A request stuck longer than this gets its worker restarted; streams send keep-alives well within.
timeout = env.int("GUNICORN_TIMEOUT", default=60)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)
# Recycle workers now and then (jittered, so they do not all restart at once): bounds any leak.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=2000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=200)
accesslog = "-"
errorlog = "-"
loglevel = env.str("GUNICORN_LOG_LEVEL", default="info")
# X-Forwarded-For/-Proto are believed only from TRUSTED_PROXIES, the list Django reads too (never
# "*": the client writes those headers).
forwarded_allow_ips = ",".join(trusted_proxies())
# Each worker serves requests on threads of its own (ASGI), so Django takes its connections from
# psycopg's pool (components/database.py). On unless DATABASE_POOL says otherwise.
raw_env = [f"DATABASE_POOL={env.bool('DATABASE_POOL', default=True)}"]
