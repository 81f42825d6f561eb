# Two commands for a fresh machine: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_inspections
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# The suite in parallel on every core (pytest-xdist; worksteal evens out the long tests), then the
# tests that restart a shared service (marked serial: PostgreSQL's restart) on their own.
test: lint
	$(BIN)/pytest -n auto --dist worksteal -m "not serial"
	$(BIN)/pytest -m serial

# Refresh the translation catalogues after changing user-facing strings, then translate locale/*/django.po.
messages: install
	$(BIN)/python manage.py makemessages --locale id --no-obsolete --ignore '.venv/*' --ignore 'bench/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis
