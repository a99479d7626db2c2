# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv dev-venv chromium clean

$(BIN)/houqin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: $(BIN)/houqin
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/houqin
dev-venv: $(VENV)/.dev

## Houqin with demo data on SQLite at http://$(HOST):$(PORT)
run: venv
	$(BIN)/houqin migrate --noinput -v0
	$(BIN)/houqin collectstatic --noinput -v0
	$(BIN)/houqin demo
	HOUQIN_HTTPS=0 $(BIN)/houqin serve --bind $(HOST):$(PORT)

## Linter and the whole suite (SQLite; set DATABASE_URL for PostgreSQL)
test: dev-venv lint chromium
	$(BIN)/pytest -n auto --dist worksteal

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: dev-venv
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
