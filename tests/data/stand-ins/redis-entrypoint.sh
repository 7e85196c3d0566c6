#!/bin/sh
# The stand-in redis:7-alpine's entrypoint (tests/engine.py), doing what the official image's does:
# `redis-server` without a configuration file runs with protected mode off (which would refuse
# every client but loopback when there is no password): a container's port is reachable only as
# far as compose publishes it.
set -eu

if [ "${1:-}" = "redis-server" ] && [ ! -f "${2:-}" ]; then
    set -- "$@" --protected-mode no
fi
exec "$@"
