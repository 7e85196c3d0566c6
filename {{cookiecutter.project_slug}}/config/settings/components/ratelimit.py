"""The atomic Redis rate limiter (<slug>/ratelimit). Rates themselves are DRF settings (rest.py)."""

from config.env import env

# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header is
# ignored (anyone can send it); behind one load balancer: 1.
RATELIMIT_TRUSTED_PROXIES = env.int("RATELIMIT_TRUSTED_PROXIES", default=0)
# When Redis cannot be asked: let requests through (and log a warning), or answer 503.
RATELIMIT_FAIL_OPEN = env.bool("RATELIMIT_FAIL_OPEN", default=True)
RATELIMIT_KEY_PREFIX = env.str("RATELIMIT_KEY_PREFIX", default="{{ cookiecutter.project_slug }}:rl")
