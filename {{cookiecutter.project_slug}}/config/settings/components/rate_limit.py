"""The atomic Redis rate limiter (<slug>/platform/rate_limit). Rates themselves are DRF settings
(rest.py).

IP-keyed limits count REMOTE_ADDR, which core.proxies takes from X-Forwarded-For only when the
request came through one of TRUSTED_PROXIES (base.py).
"""

from config.env import env

# When Redis cannot be asked: let requests through (and log a warning), or answer 503.
RATE_LIMIT_FAIL_OPEN = env.bool("RATE_LIMIT_FAIL_OPEN", default=True)
RATE_LIMIT_KEY_PREFIX = env.str("RATE_LIMIT_KEY_PREFIX", default="{{ cookiecutter.project_slug }}:rl")

# base.py star-imports this module: only the settings above may leave it.
del env
