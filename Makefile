# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install e2e-browser lint check-deploy worker beat clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load demo data and serve on http://127.0.0.1:$(PORT) (default 8000).
## Links in e-mails follow the port (SITE_URL), unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: export PYTHONWARNINGS ?= ignore::UserWarning:setuptools,ignore::DeprecationWarning
run: $(STAMP)
	@$(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: install, check and run the whole suite (browser tests need Chromium; see e2e-browser)
test: $(STAMP) e2e-browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
e2e-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium not found and cannot install it: browser tests will be skipped."; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-deploy: $(STAMP)
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	  ALLOWED_HOSTS=cop.example.org SITE_URL=https://cop.example.org REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

worker: $(STAMP)
	$(BIN)/celery -A cop_platform worker -Q default,email,extraction --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A cop_platform beat --loglevel=INFO --schedule /tmp/celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles sent-mail .pytest_cache

## make bench [PEER=1] [LARGE=1]: seed, serve under gunicorn with production settings, load with
## wrk and write docs/benchmarks.md (its own PostgreSQL database and Redis db; see docs/benchmarks.md)
BENCH_DB ?= bench
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_REDIS ?= redis://127.0.0.1:6379/6
BENCH_PORT ?= 8113
BENCH_ARGS ?=
SPIRIT_PORT ?= 8119
SPIRIT_ROOT ?= /tmp/spirit-peer
BENCH_ENV = DEBUG=false SECRET_KEY=bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver SITE_URL=http://127.0.0.1:$(BENCH_PORT) SECURE_SSL_REDIRECT=false \
	DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) REDIS_URL=$(BENCH_REDIS) CONN_MAX_AGE=600 LOG_LEVEL=WARNING \
	BENCH_PORT=$(BENCH_PORT) SPIRIT_PORT=$(SPIRIT_PORT) SPIRIT_ROOT=$(SPIRIT_ROOT)

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk not found: install it (Debian: apt-get install wrk)"; exit 1; fi; }
	@psql "$(BENCH_PG)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DB)'" | grep -q 1 \
	  || psql "$(BENCH_PG)/postgres" -qc 'CREATE DATABASE "$(BENCH_DB)"'
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench $(if $(PEER),--peer) $(if $(LARGE),--large) $(BENCH_ARGS)
