#!/bin/sh
# The stand-in postgres:16-alpine's entrypoint (tests/engine.py), doing what the official image's
# does with its variables: on the first start (an empty PGDATA) initdb with superuser
# POSTGRES_USER (default postgres) and password POSTGRES_PASSWORD (required), create POSTGRES_DB
# (default: the user's name); then serve on every address with password authentication, local
# socket connections trusted (pg_isready, psql inside the container).
set -eu

if [ "${1:-}" != "postgres" ]; then
    exec "$@"
fi
shift

: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required, as with the official image}"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"

mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

as_postgres() {
    setpriv --reuid=postgres --regid=postgres --init-groups "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password_file="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
    chown postgres "$password_file"
    # UTF8 like the official image (a C locale alone would make it SQL_ASCII).
    as_postgres initdb --pgdata="$PGDATA" --username="$user" --pwfile="$password_file" \
        --encoding=UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    if [ "$database" != "postgres" ]; then
        # Single-user mode: no server to start and stop just to create the database.
        echo "CREATE DATABASE \"$database\"" | as_postgres postgres --single -D "$PGDATA" postgres >/dev/null
    fi
    echo "postgres stand-in: initialised $PGDATA with database $database for $user"
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups \
    postgres -D "$PGDATA" -c listen_addresses='*' "$@"
