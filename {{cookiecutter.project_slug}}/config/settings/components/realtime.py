"""Server-Sent Events fed by Redis pub/sub ({{ cookiecutter.project_slug }}/platform/realtime)."""

from config.env import env, redis_env, settings_module

# Pub/sub channels are global to a Redis server: the project and environment prefix keeps
# staging's events out of production's streams when they share one.
_ENVIRONMENT = settings_module().rpartition(".")[2]
REALTIME_PREFIX = env.str("REALTIME_PREFIX", default=f"{redis_env().key_prefix}:{_ENVIRONMENT}:rt")
# Events kept per channel for Last-Event-ID replay (its replay log, a capped Redis Stream), and
# how long an idle channel's replay log lives.
REALTIME_REPLAY_LENGTH = env.int("REALTIME_REPLAY_LENGTH", default=100)
REALTIME_REPLAY_SECONDS = env.int("REALTIME_REPLAY_SECONDS", default=3600)
# Per connected client: events buffered before the oldest are dropped (a slow client can never
# grow the server's memory), and the keep-alive comment interval.
REALTIME_CLIENT_BUFFER = env.int("REALTIME_CLIENT_BUFFER", default=100)
REALTIME_HEARTBEAT_SECONDS = env.float("REALTIME_HEARTBEAT_SECONDS", default=15.0)
# Every open stream holds a socket, a queue and a task for hours. Beyond these caps a stream is
# refused: 429 past the user's or its client address's (counted in Redis, so they hold across every
# web process), 503 past the process's. The address cap keeps one client, signing in as many users,
# from taking every slot of every process; raise it when many users share one address (a NAT).
REALTIME_MAX_STREAMS_PER_USER = env.int("REALTIME_MAX_STREAMS_PER_USER", default=5)
REALTIME_MAX_STREAMS_PER_ADDRESS = env.int("REALTIME_MAX_STREAMS_PER_ADDRESS", default=50)
REALTIME_MAX_STREAMS_PER_PROCESS = env.int("REALTIME_MAX_STREAMS_PER_PROCESS", default=1000)
# An event stream renews its connection lease every heartbeat; the lease of an event stream whose
# process died lapses after this, so a crash locks nobody out for longer.
REALTIME_CONNECTION_LEASE_SECONDS = 3 * REALTIME_HEARTBEAT_SECONDS
# One-time stream tokens (EventSource cannot send an Authorization header).
REALTIME_TOKEN_SECONDS = 60

# base.py star-imports this module: only the settings above may leave it.
del env, redis_env, settings_module
