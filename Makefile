# Two entry points, each bootstrapping .venv from nothing but Python 3.11+:
#   make run   install, migrate, load the seed collection, create demo users (DEBUG), runserver
#   make test  install and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test install lint format bench clean

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
