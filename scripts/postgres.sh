#!/usr/bin/env bash
# A PostgreSQL server of Debian's package, for the tests and for scripts/cluster.sh: installs
# the package when absent, creates a database cluster in DIR (once; owned by the postgres
# user), starts it on 127.0.0.1:PORT (Unix socket in DIR), and makes sure the role and the
# database named NAME exist (the role may create databases: the cluster tests make one each).
# Sourced, after setup.sh:
#   wharf_postgres_start DIR PORT NAME   exports WHARF_POSTGRES_URL, _USER and _PASSWORD
#   wharf_postgres_stop DIR
#   wharf_free_port FROM                 prints the first port from FROM that no socket listens on or holds
# The password is made once and kept in DIR/../NAME.password (mode 0600).

wharf_postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] && echo "$bin"
}

wharf_postgres_start() {
  local dir=$1 port=$2 name=$3 bin password_file password
  if ! bin=$(wharf_postgres_bin); then
    echo "wharf: installing PostgreSQL" >&2
    wharf_apt_install postgresql
    bin=$(wharf_postgres_bin)
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # The server runs as postgres, which must reach DIR through every directory above it
  # (mktemp -d makes its directory 0700).
  local parent
  parent=$(dirname "$dir")
  while [ "$parent" != / ]; do
    if ! runuser -u postgres -- test -x "$parent"; then
      if [ "$parent" = "$(dirname "$dir")" ]; then
        chmod o+x "$parent"
      else
        echo "wharf: the postgres user cannot reach $dir (no search permission on $parent); put it elsewhere" >&2
        return 1
      fi
    fi
    parent=$(dirname "$parent")
  done
  password_file=$(dirname "$dir")/$name.password
  [ -s "$password_file" ] || (umask 077 && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$password_file")
  password=$(cat "$password_file")
  chown postgres: "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
  fi
  local psql=(runuser -u postgres -- "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" ]; then
    "${psql[@]}" -c "CREATE ROLE \"$name\" LOGIN CREATEDB PASSWORD '$password'"
  else
    "${psql[@]}" -c "ALTER ROLE \"$name\" PASSWORD '$password'"
  fi
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$name\" OWNER \"$name\""
  fi
  export WHARF_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/$name"
  export WHARF_POSTGRES_USER=$name
  export WHARF_POSTGRES_PASSWORD=$password
}

wharf_postgres_stop() {
  local bin
  bin=$(wharf_postgres_bin) || return 0
  runuser -u postgres -- "$bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

wharf_free_port() {
  local port=$1
  # Not listened on, and not held by any socket either: a client connection's local port (in
  # TIME-WAIT, say) also stops the server from binding it.
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    || { command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$port )")" ]; }; do
    port=$((port + 1))
  done
  echo "$port"
}
