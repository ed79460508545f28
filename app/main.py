"""``create_app(settings)`` → the Starlette application, with its backing services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute

from app.artifacts.sweeper import upload_sweeper
from app.config import Settings
from app.experiments.watchdog import activity_watchdog
from app.logging import configure_logging
from app.mlflow_api.app import mlflow_routes
from app.mlflow_api.endpoints import endpoint_table as mlflow_endpoints
from app.notifications.delivery.sender import DeliverySender, delivery_job
from app.observability import health_routes, install_observability
from app.read_timeouts import BodyReadTimeout
from app.resources.expiry import reservation_job
from app.resources.scheduler import QueueScheduler
from app.resources.service import seed_pools
from app.rest.errors import EXCEPTION_HANDLERS
from app.rest.routes import rest_app
from app.services import Services
from app.web_console import GraphiQLOrAPI, WebConsole
from app.ws_frames import ServerSend
from schema.build import build_schema
from schema.engine.asgi import GraphQLApp


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or Settings()
    services = services or Services.from_settings(settings)
    configure_logging(settings)
    graphql = GraphQLApp(services, build_schema(services.settings))
    console = WebConsole(settings.web_dist)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with services.db.unit_of_work() as session:
            await seed_pools(session, services.settings)
        sender = DeliverySender(services.db, services.settings)
        jobs = [
            activity_watchdog(services.db, services.settings),
            reservation_job(services.db, services.settings),
            upload_sweeper(services),
            delivery_job(sender),
        ]
        closers: list[Callable[[], Awaitable[None]]] = [sender.close]
        if services.settings.mlflow_tracking_uri:
            from app.integrations.mlflow.mirror import MlflowMirror, mlflow_job

            mirror = MlflowMirror(services.db, services.settings, services.store)
            jobs.append(mlflow_job(mirror))
            closers.append(mirror.close)
        if services.settings.wandb_project:  # its own job: neither mirror waits on the other
            from app.integrations.wandb.mirror import WandbMirror

            wandb_mirror = WandbMirror(services.db, services.settings, services.store)
            jobs.append(wandb_mirror.job())
            closers.append(wandb_mirror.close)
        for job in jobs:
            job.start()
        scheduler = QueueScheduler(services)
        scheduler.start()
        services.relay.start()
        services.notifier.start()
        try:
            yield
        finally:
            await scheduler.stop()
            for job in jobs:
                await job.stop()  # before the engine goes: releasing a lock needs it
            for close in closers:
                await close()
            await services.close()

    app = Starlette(
        routes=[
            Route("/graphql", GraphiQLOrAPI(console, graphql), methods=["GET", "HEAD", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Mount("/api/v1", app=rest_app(services)),
            *mlflow_routes(services, mlflow_endpoints()),  # MLflow's paths: /api/2.0/mlflow/…
            *health_routes(services),
            *console.routes(),  # last: every other GET path is a client-side route
        ],
        lifespan=lifespan,
        # an unmatched path (``/api/v1%0A`` escapes the mount) answers in the REST envelope
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.services = services
    install_observability(app)
    app.add_middleware(BodyReadTimeout, seconds=settings.http_body_timeout_seconds)
    app.add_middleware(ServerSend)  # live batches written straight to uvicorn's sockets
    return app
