# Two entry points, each bootstrapping .venv from nothing but Python 3.11+:
#   make run   install, migrate, load the seed collection, create demo users (DEBUG), runserver
#   make test  install and run the whole test suite
# and, production-like:
#   make serve  gunicorn with DEBUG off and collected static files, on 127.0.0.1 (plain http)
#   make soak   the reliability run for SOAK_SECONDS against PostgreSQL, with figures
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

SOAK_SECONDS ?= 300
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/archive_soak
# `make serve`: the production settings over plain http on the loopback (SECURE_COOKIES=0), a
# secret key kept in var/ (made once), and the gunicorn settings of gunicorn.conf.py.
SERVE_ENV = DEBUG=0 SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/serve-secret-key)} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} GUNICORN_BIND=$(HOST)

.PHONY: run test install lint format bench clean serve soak

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_seed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py create_demo_users
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST)

var/serve-secret-key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: $(STAMP) var/serve-secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py load_seed
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py check --deploy --fail-level ERROR
	$(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py

# The reliability test module, run longer: gunicorn (3 workers) against a PostgreSQL test
# database made from SOAK_DATABASE_URL, bounded by SOAK_SECONDS; prints its figures.
soak: $(STAMP)
	DATABASE_URL=$(SOAK_DATABASE_URL) SOAK_SECONDS=$(SOAK_SECONDS) \
		$(BIN)/python -m pytest tests/test_reliability.py -k soak --create-db -p no:cacheprovider

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python manage.py benchmark $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3
