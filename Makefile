# Trygg: `make demo` and `make test` are the two commands of the Quick start.
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
export TRYGG_VAR_DIR ?= $(CURDIR)/var

.PHONY: install install-test demo serve test lint check messages clean

$(BIN)/python:
	"$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/trygg migrate --no-input -v 0

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	scripts/system-deps

# The demo is a local try-out: its users need no second factor unless TRYGG_REQUIRE_2FA=1.
demo: export TRYGG_REQUIRE_2FA ?= 0
demo: install
	$(BIN)/trygg demo
	$(BIN)/trygg serve --port $(PORT)

serve:
	$(BIN)/trygg serve --port $(PORT)

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy trygg
	$(BIN)/python -m django makemigrations --check --dry-run --settings=trygg.settings -v 1
	$(BIN)/python -m django check --settings=trygg.settings

# Every test runs on SQLite; and again on PostgreSQL when TRYGG_TEST_DATABASE_URL is set
# (.ci/run sets it to a throw-away database on the local server).
test: install-test lint
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	if [ -n "$${TRYGG_TEST_DATABASE_URL:-}" ]; then \
	  DATABASE_URL="$$TRYGG_TEST_DATABASE_URL" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS); fi

messages:
	cd trygg && ../$(BIN)/python -m django makemessages -l sv --settings=trygg.settings \
	  --ignore='node_modules/*' --no-obsolete
	cd trygg && ../$(BIN)/python -m django compilemessages --settings=trygg.settings

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3
