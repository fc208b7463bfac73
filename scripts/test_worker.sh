#!/usr/bin/env bash
# The tests that need real background processes, on PostgreSQL:
# - celery_worker: a task through a Celery worker on Redis (started here, Redis DB 15);
# - faults (tests/ops/test_faults.py): each test starts its own private Redis (ports
#   6390-6399), workers, gunicorn and a moto S3 server, then kills a worker mid-export,
#   stops Redis, drops PostgreSQL connections and serves one export through two servers.
# pytest-django creates the database test_<name>; every process is pointed at that database.
set -euo pipefail
cd "$(dirname "$0")/.."
BROKER=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}
PG=${WORKER_PG_URL:-postgres://postgres@127.0.0.1:5432}
NAME=portal_worker

# The fault tests configure their own broker per test: no CELERY_BROKER_URL here.
env -u CELERY_BROKER_URL PORTAL_FAULT_TESTS=1 DATABASE_URL="$PG/${NAME}_faults" \
  .venv/bin/python -m pytest -m faults --create-db -p no:randomly "$@"

export CELERY_BROKER_URL=$BROKER
redis-cli -u "$BROKER" flushdb >/dev/null
DATABASE_URL="$PG/test_$NAME" .venv/bin/celery -A portal worker --pool=solo -l warning \
  --logfile=/tmp/portal-ci-worker.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT
DATABASE_URL="$PG/$NAME" .venv/bin/python -m pytest -m celery_worker --create-db -p no:randomly "$@"
