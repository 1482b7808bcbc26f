# The README's two commands live here: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.PHONY: demo test lint check-migrations ci clean-demo

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/beatdesk demo $(ARGS)

test: $(VENV)/.installed node_modules/.installed
	@scripts/ensure-chromium
	@scripts/bluesky-devenv
	@scripts/test $(ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: $(VENV)/.installed
	BEATDESK_TESTING=true $(VENV)/bin/beatdesk makemigrations --check --dry-run

ci: lint check-migrations test

clean-demo:
	rm -rf beatdesk-data
