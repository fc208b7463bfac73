# The portal's commands. `make run` sets up and runs the demo; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup run serve check-pdf test test-worker system-deps assets lint check-deploy check-migrations worker clean bench bench-big

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

portal/static/portal/css/portal.css: package.json package-lock.json assets/scss/portal.scss
	bash scripts/build_assets.sh

assets: portal/static/portal/css/portal.css

system-deps:
	bash scripts/system_deps.sh

setup: $(VENV)/.installed assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# The portal runs without WeasyPrint's system libraries, all but the PDF export: say what to
# install, and start anyway.
check-pdf: $(VENV)/.installed
	@$(PY) scripts/check_pdf.py || echo "Starting anyway: everything but the PDF export works."

run: setup check-pdf
	$(PY) manage.py runserver 127.0.0.1:8000

# As production runs it: DEBUG off, gunicorn, collected static files, a worker with beat
# on Redis (see docs/deploying.md; settings from the environment).
serve: $(VENV)/.installed assets
	PY=$(PY) bash scripts/serve.sh

test: $(VENV)/.installed assets system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The tests that need real processes: a Celery worker on Redis, and the fault tests that
# start their own Redis, workers, gunicorn and S3 server (see scripts/test_worker.sh).
test-worker: $(VENV)/.installed
	bash scripts/test_worker.sh

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A portal worker --beat -l info

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=portal.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Migrations are committed and reversible: unapply every app to zero and apply again.
check-migrations: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	rm -f /tmp/portal-migrations.sqlite3
	export DATABASE_URL=sqlite:////tmp/portal-migrations.sqlite3; \
	  $(PY) manage.py migrate -v0 && $(PY) manage.py migrate reporting zero -v0 && \
	  $(PY) manage.py migrate indicators zero -v0 && $(PY) manage.py migrate portal zero -v0 && \
	  $(PY) manage.py migrate -v0
	rm -f /tmp/portal-migrations.sqlite3

clean:
	rm -rf $(VENV) node_modules portal/static/portal/css portal/static/portal/govuk staticfiles

# The performance goals of issue 11 (docs/performance.md), one line each. The benchmark
# drops and recreates its own PostgreSQL database (the name must contain "bench") and serves
# pages through gunicorn on 127.0.0.1:$(BENCH_PORT) and the port after it.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_PORT ?= 8600
BENCH_ARGS ?=
BENCH_ENV := DEBUG=0 SECRET_KEY=bench-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
  ALLOWED_HOSTS=127.0.0.1,testserver DATABASE_URL=$(BENCH_DATABASE_URL)

bench: $(VENV)/.installed assets
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench --port $(BENCH_PORT) $(BENCH_ARGS)

bench-big: $(VENV)/.installed assets
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench --big --port $(BENCH_PORT) $(BENCH_ARGS)
