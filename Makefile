# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install e2e-browser lint check-deploy worker beat clean

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
	$(BIN)/celery -A cop_platform worker -Q default,email,extract --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A cop_platform beat --loglevel=INFO --schedule /tmp/celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles sent-mail .pytest_cache
