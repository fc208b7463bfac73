#!/usr/bin/env bash
# Run the tests marked celery_worker against a real Celery worker on Redis and PostgreSQL.
# pytest-django creates the database test_<name>; the worker is pointed at that same database.
set -euo pipefail
cd "$(dirname "$0")/.."
BROKER=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}
PG=${WORKER_PG_URL:-postgres://postgres@127.0.0.1:5432}
NAME=portal_worker
export CELERY_BROKER_URL=$BROKER
redis-cli -u "$BROKER" flushdb >/dev/null
DATABASE_URL="$PG/test_$NAME" .venv/bin/celery -A portal worker --pool=solo -l warning \
  --logfile=/tmp/portal-ci-worker.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT
DATABASE_URL="$PG/$NAME" .venv/bin/python -m pytest -m celery_worker --create-db -p no:randomly "$@"
