# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint messages venv bench audit
IGNORE := --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=test-artifacts

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## Set up and serve the app on the embedded default (SQLite, in-memory channel layer).
run: venv
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Set up and run the whole test suite (ruff and the import contracts first).
test: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

## Regenerate the translation catalogs after changing user-visible strings (needs gettext).
messages: venv
	DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans $(IGNORE)
	DEBUG=true $(BIN)/python manage.py makemessages -d djangojs -l zh_Hans $(IGNORE) --ignore=static/legacy --ignore=static/vendor
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

## The benchmark of docs/performance.md's round-2 table: every scenario on the image's setup
## (uvicorn, two workers, pub/sub layer), five runs each; about an hour on 2 cores, needs
## PostgreSQL and redis-server. Results: bench/results/. Other runs: BENCH_ARGS="--quick", or
## any of bench.matrix's options (bench/README.md).
BENCH_ARGS ?= --server uvicorn --workers 2 --layer pubsub --runs 5
bench: venv
	$(BIN)/python -m bench.matrix $(BENCH_ARGS)

## Known vulnerabilities in the pinned requirements (pip-audit). It asks PyPI's JSON API for
## advisories: from a machine that reaches only the package index, it cannot audit (--strict
## then fails), which is why CI here does not run it.
audit: venv
	$(BIN)/pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt
