#!/usr/bin/env sh
# Writes the secrets docker/compose.yml reads, one file each in docker/secrets/ (kept out of git).
# The directory is 0700: no other user of the host reads them. The files are 0644 so the containers' own
# users (the gateway runs as uid 10001) can read them where Compose mounts them (/run/secrets/<name>).
# An existing file is kept: run it again after deleting one file to replace that secret alone.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir" && chmod 700 "$dir"
umask 022
write() { # name, command printing the value
  [ -s "$dir/$1" ] && return 0
  sh -c "$2" >"$dir/$1.tmp" && mv "$dir/$1.tmp" "$dir/$1"
  echo "wrote $dir/$1"
}
write postgres_password 'openssl rand -hex 24'
write database_url "printf 'postgres://gateway:%s@postgres:5432/gateway\n' \"\$(cat '$dir/postgres_password')\""
write balikan_key 'openssl rand -base64 32'
write access_token_key 'openssl rand -base64 32'
write audit_signing_key 'openssl genpkey -algorithm ed25519'
# First passwords of admin (Dinkes) and auditor (Disdukcapil): changed at the first sign-in.
write initial_admin_password 'openssl rand -base64 18'
write initial_auditor_password 'openssl rand -base64 18'
# Shared by the gateway and the registry simulator (trial); in production what Disdukcapil issued.
write registry_password 'openssl rand -hex 16'
write balikan_token 'openssl rand -hex 24'
