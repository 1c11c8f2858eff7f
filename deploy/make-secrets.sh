#!/bin/sh
# Make the secrets compose.yaml reads, once, in deploy/secrets/ (never committed).
# Run from the repository's root: deploy/make-secrets.sh (again at any time: it keeps the
# values it finds and only puts the permissions right).
#
# Permissions: Docker Compose hands a file secret to a container as a bind mount of the file
# itself, with the host's owner and mode (the uid/gid/mode of compose's long syntax are not
# applied to file secrets). The containers read them as unprivileged users (the image's
# aduan, uid 10001; postgres in the db image), so an owner-only file would be unreadable
# there. The folder is owner-only instead (no other user of this machine can reach the
# files) and the files are readable inside it.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
random() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
[ -s "$dir/secret_key" ] || random 40 >"$dir/secret_key"
[ -s "$dir/db_password" ] || random 24 >"$dir/db_password"
[ -s "$dir/metrics_token" ] || random 24 >"$dir/metrics_token"
# The application's DATABASE_URL carries the same password as the database service.
printf 'postgres://aduan:%s@db:5432/aduan\n' "$(cat "$dir/db_password")" >"$dir/database_url"
chmod 644 "$dir/secret_key" "$dir/db_password" "$dir/metrics_token" "$dir/database_url"
echo "secrets in $dir: secret_key db_password database_url metrics_token"
