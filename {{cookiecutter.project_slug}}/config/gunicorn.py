"""gunicorn with uvicorn workers: the production server (ASGI, so the event stream works).

Every value can be tuned from the environment without rebuilding the image.
"""

import multiprocessing
import os

from config.env import read_env_file
from config.proxies import trusted_proxies

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request stuck longer than this gets its worker restarted; streams send keep-alives well within.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then (jittered, so they do not all restart at once): bounds any leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-For/-Proto are believed only from TRUSTED_PROXIES, the list Django reads too (never
# "*": the client writes those headers). The env file is read first, as Django's settings do.
read_env_file()
forwarded_allow_ips = ",".join(trusted_proxies())
