#!/usr/bin/env bash
# Throwaway PostgreSQL 15 server for the suites and benchmarks that need one.
#   .ci/postgres.sh start DIR PORT [extra -c options...]   prints nothing; server log in DIR/server.log
#   .ci/postgres.sh restart DIR
#   .ci/postgres.sh stop DIR
# As root it runs the server as the `postgres` system user (PostgreSQL refuses to run as root).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=$1; dir=$2
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
case "$cmd" in
  start)
    port=$3; shift 3
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$dir"
      chmod 755 "$(dirname "$dir")" # the postgres user must reach DIR (mktemp makes its parent 0700)
    fi
    as_pg "$PGBIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    opts="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200"
    for o in "$@"; do opts="$opts -c $o"; done
    as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 start -o "$opts" >/dev/null
    ;;
  restart)
    # A fast restart (the fault tests restart the database under load); the same options as before.
    as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w -t 60 restart >/dev/null
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT [opt=value...] | stop DIR" >&2; exit 2 ;;
esac
