# Experiment Service — developer entry points.
# Needs only python3 (3.11+) and make: uv is bootstrapped into .tools/, the project venv is .venv/.

PY ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced
RUN := $(UV) run --frozen --no-sync

# Use the interpreter we were given; never download one.
export UV_PYTHON_DOWNLOADS := never

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt clean

help:
	@echo "make run    install and serve on http://$(HOST):$(PORT) (migrates first)"
	@echo "make test   install, lint, type-check, then pytest (PYTEST_ARGS=... passes through)"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make fmt    ruff format and ruff check --fix"
	@echo "make clean  remove .venv .tools .expsvc and caches"

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q "uv>=0.5"

# Re-sync only when the lock or the project metadata changed (or the venv is gone).
$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@

install: $(SYNCED)

run: $(SYNCED)
	$(RUN) expsvc serve --host $(HOST) --port $(PORT)

lint: $(SYNCED)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy app schema

test: lint
	$(RUN) pytest -q $(PYTEST_ARGS)

fmt: $(SYNCED)
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

clean:
	rm -rf $(VENV) $(TOOLS) .expsvc .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
