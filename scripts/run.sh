#!/usr/bin/env bash
# Serve Rollout Planner at http://127.0.0.1:8000 with a real Celery worker (and beat) beside it.
# Default: SQLite under var/ and kombu's filesystem broker (no server needed).
# Set DATABASE_URL / REDIS_URL to use PostgreSQL and Redis instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var/staticfiles

$PY manage.py collectstatic --noinput --verbosity 0

$PY manage.py migrate --noinput
$PY manage.py seed_demo --if-empty

pool=(--pool=prefork --concurrency=2)
[[ -z "${DATABASE_URL:-}" ]] && pool=(--pool=solo)  # one writer at a time for SQLite
$PY -m celery -A rolloutplanner worker --beat --loglevel=INFO "${pool[@]}" \
  --schedule=var/celerybeat-schedule >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo
echo "Rollout Planner: http://127.0.0.1:8000  (worker log: var/worker.log, stop with Ctrl+C)"
$PY manage.py seed_demo --if-empty | tail -n +2
echo
$PY manage.py runserver 127.0.0.1:8000 --noreload
