# The README's two commands are `make demo` and `make test`; everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/cornerstone.duckdb
CONVERSATIONS ?= 10000
PORT ?= 8501

.PHONY: demo test setup browser lint serve bench clean lock

## demo: set up everything, build the demo database (once) and start the dashboard
demo: setup
	@if [ ! -f "$(DB)" ]; then $(BIN)/qa demo --conversations $(CONVERSATIONS) --db $(DB); fi
	$(BIN)/qa serve --db $(DB) --port $(PORT)

## test: set up everything (including a headless Chromium) and run lint, import contracts and the whole suite
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 -p no:cacheprovider

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## lock: requirements.txt from pyproject.toml's dependencies (+ the dev extra), every transitive
## dependency pinned; run after changing a dependency and commit both files
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet -o requirements.txt

## browser: Debian's Chromium for the Playwright tests (the network is closed: Playwright cannot fetch its own browser)
## and Debian's Caddy for the reverse-proxy test (deploy/Caddyfile)
browser:
	@for tool in chromium caddy; do if [ ! -x /usr/bin/$$tool ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$tool >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq $$tool >/dev/null; fi; \
	fi; done

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

serve: setup
	$(BIN)/qa serve --db $(DB) --port $(PORT)

## bench: every benchmark script (minutes; prints figures and same-run baselines)
bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/scoring.py
	$(BIN)/python benchmarks/validity.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/dashboard_pages.py
	$(BIN)/python benchmarks/sentiment.py
	$(BIN)/python benchmarks/generator.py
	$(BIN)/python benchmarks/redaction.py

clean:
	rm -rf $(VENV) $(DB) $(DB).wal data/generated
