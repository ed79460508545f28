# Experiment Service — developer entry points.
# Needs only python3 (3.11+) and make: uv is bootstrapped into .tools/, the project venv is .venv/.

PY ?= python3
# make run HOST=0.0.0.0 PORT=8001; unset, expsvc serve uses EXPSVC_HOST / EXPSVC_PORT,
# else 127.0.0.1:8000
HOST ?=
PORT ?=
PYTEST_ARGS ?=

TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
# What serving needs (make run), and that plus the dev tools (make test, lint, fmt)
SERVE_SYNCED := $(VENV)/.synced-serve
DEV_SYNCED := $(VENV)/.synced-dev
RUN := $(UV) run --frozen --no-sync
SERVE_ARGS := $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

# Use the interpreter we were given; never download one.
export UV_PYTHON_DOWNLOADS := never

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt clean

help:
	@echo "make run    install what serving needs and serve on http://127.0.0.1:8000"
	@echo "           (HOST=… PORT=…, or EXPSVC_HOST / EXPSVC_PORT; migrates first)"
	@echo "make test   install, lint, type-check, then pytest (PYTEST_ARGS=... passes through)"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make fmt    ruff format and ruff check --fix"
	@echo "make clean  remove .venv .tools .expsvc and caches"

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q "uv>=0.5"

# Re-sync only when the lock or the project metadata changed (or the venv is gone).
# --inexact: make run leaves the dev tools of an earlier make test in place.
$(SERVE_SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact --python $(PY)
	@touch $@

$(DEV_SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@ $(SERVE_SYNCED)

install: $(DEV_SYNCED)

run: $(SERVE_SYNCED)
	$(RUN) expsvc serve $(SERVE_ARGS)

lint: $(DEV_SYNCED)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy app schema

test: lint
	$(RUN) pytest -q $(PYTEST_ARGS)

fmt: $(DEV_SYNCED)
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

clean:
	rm -rf $(VENV) $(TOOLS) .expsvc .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
