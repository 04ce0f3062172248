# Two commands set up a fresh machine (see README.md):
#   make demo   — venv + install + generate demo data + ingest + report + dashboard workspace and login (offline)
#   make test   — venv + install (+ Debian chromium for browser tests) + lint + type check
#                 + the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_DIR ?= demo
PYTEST_ARGS ?=
# Two workers on two cores; loadfile keeps each module's fixtures (servers, Spark) in one worker.
TEST_WORKERS ?= 2

.PHONY: install browser demo test bench docs lint typecheck clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[web,nlp,spark,pdf,dev]'
	touch $@

# The test suite also runs the transformers backend on a tiny model it builds (torch CPU wheel).
$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[web,nlp,spark,pdf,dev,transformers]'
	touch $@

install: $(BIN)/.installed

# Browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/engagelens demo --serve-dir $(DEMO_DIR) --out $(DEMO_DIR)/report.md

# Lint and type check first: a rule broken fails in seconds, before the suite's minutes.
test: $(BIN)/.installed-test browser
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10 $(PYTEST_ARGS)

bench: install
	for b in benchmarks/*.py; do $(BIN)/python $$b --quick || exit 1; done

docs: install
	$(BIN)/engagelens metrics docs --out docs/metrics.md
	$(BIN)/engagelens settings --markdown > docs/settings.md

# The house rules as checked rules: ruff's rule set and formatting (pyproject.toml [tool.ruff]).
LINTED := src tests benchmarks scripts
lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

# mypy on the package, every function body checked (pyproject.toml [tool.mypy]).
typecheck: install
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) demo/*.duckdb demo/workspaces demo/login.txt demo/secret_key demo/*.md demo/*.txt .pytest_cache
