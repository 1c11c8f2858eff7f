#!/bin/sh
# The image's entrypoint: secrets from files (Docker/Kubernetes secrets), then the command.
# For SECRET_KEY, DATABASE_URL and every ADUAN_* variable (gateway tokens and secrets, the
# metrics token), VAR_FILE names a file whose content becomes VAR unless VAR itself is set:
# secrets never sit in the compose file or in `docker inspect`.
set -eu
for var in $(env | sed -n 's/^\(SECRET_KEY\|DATABASE_URL\|ADUAN_[A-Z0-9_]*\)_FILE=.*/\1/p'); do
  eval "file=\${${var}_FILE}"
  eval "value=\${${var}:-}"
  if [ -z "$value" ]; then
    if [ ! -r "$file" ]; then
      echo "entrypoint: ${var}_FILE=$file is not readable" >&2
      exit 1
    fi
    value="$(cat "$file")"
    export "$var=$value"
  fi
  unset "${var}_FILE" file value
done
exec "$@"
