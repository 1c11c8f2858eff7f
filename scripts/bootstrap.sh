# Shared set-up for scripts/run and scripts/test (sourced, not run).
# Installs what a fresh Debian/Ubuntu machine with Python 3.11 lacks, then the
# project's virtual environment. Safe to run again: each step checks first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; else sudo "$@"; fi
}

# Debian package names this project needs; installed only when missing.
ensure_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  local requirements="$1"
  if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    echo "Aduan needs Python 3.11 or newer as '$PY'." >&2
    exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtual environment in .venv"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "==> installing Python packages from $requirements"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -r "$requirements"
    "$VENV/bin/pip" install -q --no-deps -e .
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# The browser packages of package.json (Leaflet for the maps, served as the site's own static
# files; axe-core for the tests), from the npm registry at the lock file's exact versions.
# Debian's nodejs/npm are installed when no npm is on the PATH (one from elsewhere is used
# as it is); `npm ci` runs again only when the lock file is newer than node_modules.
ensure_npm_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    ensure_debs nodejs npm
  fi
  local stamp="node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ ! -f node_modules/leaflet/dist/leaflet.js ]; then
    echo "==> installing browser packages from the npm registry"
    npm ci --no-audit --no-fund --silent
  fi
}

# python3-venv: Debian ships venv separately; libpango: WeasyPrint's PDF layout.
# Debian's python3 is on a fresh machine; a python3 from elsewhere (pyenv) needs no venv package.
BASE_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ "$(command -v "$PY")" = "/usr/bin/python3" ]; then
  BASE_DEBS+=(python3-venv)
fi

# With DEBUG off the settings refuse to start without a SECRET_KEY and ALLOWED_HOSTS of
# their own. For the demo (scripts/run) and the test script's migration check on this
# machine: a random key made once and kept in var/secret_key (owner-only), and the local
# host names. A deployment sets both itself.
if [ -z "${SECRET_KEY:-}" ]; then
  KEY_FILE="${ADUAN_VAR_DIR:-$ROOT/var}/secret_key"
  if [ ! -s "$KEY_FILE" ]; then
    mkdir -p "$(dirname "$KEY_FILE")"
    (umask 077 && od -An -tx1 -N40 /dev/urandom | tr -d ' \n' >"$KEY_FILE")
  fi
  chmod 600 "$KEY_FILE"
  SECRET_KEY="$(cat "$KEY_FILE")"
  export SECRET_KEY
fi
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
