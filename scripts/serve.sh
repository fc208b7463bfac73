#!/usr/bin/env bash
# Run the portal on this machine the way production does (docs/deploying.md):
# DEBUG off, collected static files served by WhiteNoise, gunicorn, and a Celery worker
# with beat on Redis. Settings come from the environment; the defaults below only make it
# start on a developer's machine (a random SECRET_KEY kept in .serve-secret-key, the local
# Redis, no TLS redirect because nothing terminates TLS here).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")

if [[ -z "${SECRET_KEY:-}" ]]; then
  [[ -s .serve-secret-key ]] || head -c 48 /dev/urandom | base64 | tr -d '\n' > .serve-secret-key
  SECRET_KEY=$(cat .serve-secret-key)
fi
export SECRET_KEY DEBUG=${DEBUG:-0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}
BIND=${BIND:-127.0.0.1:8000}
WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}

if ! redis-cli -u "$CELERY_BROKER_URL" ping >/dev/null 2>&1; then
  echo "No Redis at $CELERY_BROKER_URL: start one (redis-server) or set CELERY_BROKER_URL." >&2
  exit 1
fi

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput -v0

"$BIN/celery" -A portal worker --beat -l info --schedule /tmp/portal-beat-schedule &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT INT TERM
echo "The portal: http://$BIND/  (health: http://$BIND/health/)"
"$BIN/gunicorn" portal.wsgi --bind "$BIND" --workers "$WEB_CONCURRENCY" --timeout 60 \
  --access-logfile -
