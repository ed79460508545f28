# Experiment Service image: `docker compose up --build` uses it (see docker-compose.yml).

# The web console (web/), built with the Node.js of the `web` dependency group
FROM python:3.11-slim AS web
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir "uv>=0.5"
WORKDIR /src
COPY pyproject.toml uv.lock README.md ./
COPY client/pyproject.toml client/README.md client/
RUN uv sync --frozen --only-group web --no-install-project --no-install-workspace \
    --python /usr/local/bin/python3
COPY web/package.json web/package-lock.json web/
RUN npm --prefix web ci --no-audit --no-fund
COPY schema/schema.graphql schema/
COPY web web
RUN npm --prefix web run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    EXPSVC_HOME=/app/.expsvc

RUN pip install --no-cache-dir "uv>=0.5"

WORKDIR /app

# Dependencies first, so code changes do not invalidate this layer.
COPY pyproject.toml uv.lock README.md ./
# the training client (client/) is a workspace member the server does not install
COPY client/pyproject.toml client/README.md client/
# Optional extras: `docker compose build --build-arg EXTRAS="--extra wandb"` for the W&B
# mirror (docs/wandb.md); the default image leaves wandb out
ARG EXTRAS=""
RUN uv sync --frozen --no-dev $EXTRAS --no-install-project --no-install-workspace \
    --python /usr/local/bin/python3

COPY app ./app
COPY schema ./schema
COPY migrations ./migrations
COPY alembic.ini ./
COPY --from=web /src/web/dist ./web/dist
RUN uv sync --frozen --no-dev $EXTRAS --python /usr/local/bin/python3

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin expsvc \
    && mkdir -p /app/.expsvc \
    && chown expsvc:expsvc /app/.expsvc
USER expsvc

EXPOSE 8000
CMD ["expsvc", "serve", "--host", "0.0.0.0", "--port", "8000"]
