# syntax=docker/dockerfile:1
# Aduan's container image: gunicorn + whitenoise, static files collected at build time,
# running as an unprivileged user. The same image runs the web replicas, the workers and
# one-off commands (aduan migrate, aduan backup): see compose.yaml and docs/production.md.

# Leaflet and its marker clustering for the maps, from package-lock.json (settings.py serves
# them from node_modules/*/dist as the site's own static files). Only those two folders and
# their licences leave this stage: no Node.js in the image.
FROM node:22-bookworm-slim AS browser-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && mkdir -p out/leaflet out/leaflet.markercluster \
    && cp -r node_modules/leaflet/dist node_modules/leaflet/LICENSE out/leaflet/ \
    && cp -r node_modules/leaflet.markercluster/dist \
       node_modules/leaflet.markercluster/MIT-LICENCE.txt out/leaflet.markercluster/

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=aduan.settings \
    ADUAN_VAR_DIR=/var/lib/aduan \
    MEDIA_ROOT=/var/lib/aduan/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/aduan-metrics \
    XDG_CACHE_HOME=/tmp/aduan-cache

# System packages: Pango and a font for WeasyPrint's PDF reports, the PostgreSQL 15 client
# (pg_dump/pg_restore for aduan backup and restore, matching the server's major version),
# tini to reap processes and pass signals. (Translations ship compiled: no gettext.)
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
        postgresql-client-15 tini \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 aduan \
    && useradd --system --uid 10001 --gid aduan --home-dir /app --shell /usr/sbin/nologin aduan

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins change.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY pyproject.toml README.md ./
COPY aduan ./aduan
COPY deploy ./deploy
COPY --from=browser-assets /assets/out ./node_modules
RUN pip install --no-deps -e . \
    # collectstatic needs the settings, which refuse to load without a key and host names:
    # throw-away values for this step only (never in the image's environment).
    && SECRET_KEY=collectstatic-at-build-time-only-not-used-at-run-time \
       ALLOWED_HOSTS=build ADUAN_VAR_DIR=/tmp/aduan-build \
       aduan collectstatic --noinput -v 0 \
    # a map without Leaflet would only be a warning to collectstatic: fail the build instead
    && test -f /app/staticfiles/vendor/leaflet/leaflet.js \
    && test -f /app/staticfiles/vendor/markercluster/leaflet.markercluster.js \
    && rm -rf /tmp/aduan-build \
    && mkdir -p /var/lib/aduan/media /tmp/aduan-metrics \
    && chown -R aduan:aduan /var/lib/aduan /tmp/aduan-metrics

USER aduan
VOLUME ["/var/lib/aduan"]
EXPOSE 8000

# Liveness only (no database): the orchestrator restarts a process that stopped answering;
# readiness (/readyz) is for the proxy's routing, see deploy/Caddyfile.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "aduan.wsgi:application", "-c", "/app/deploy/gunicorn.conf.py"]
