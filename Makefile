# The portal's commands. `make run` sets up and runs the demo; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup run serve check-pdf test test-worker system-deps assets lint check-deploy check-migrations worker clean

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
