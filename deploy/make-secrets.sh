#!/bin/sh
# Make the secrets compose.yaml reads, once, in deploy/secrets/ (owner-only, never committed).
# Run from the repository's root: deploy/make-secrets.sh
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
umask 077
random() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
[ -s "$dir/secret_key" ] || random 40 >"$dir/secret_key"
[ -s "$dir/db_password" ] || random 24 >"$dir/db_password"
[ -s "$dir/metrics_token" ] || random 24 >"$dir/metrics_token"
# The application's DATABASE_URL carries the same password as the database service.
printf 'postgres://aduan:%s@db:5432/aduan\n' "$(cat "$dir/db_password")" >"$dir/database_url"
chmod 600 "$dir"/*
echo "secrets in $dir: secret_key db_password database_url metrics_token"
