"""The ASGI application: routes, middleware, and the database's lifespan."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from models.clock import Clock, clock_from_settings
from models.services.allowances import Allowances
from models.services.database import close_database, database_reachable, open_database
from models.services.online_payments import NOTIFICATION_PATH
from models.services.worker import Worker
from models.settings import Settings, load_settings
from schema import schema
from web.graphql_app import GraphQLEndpoint
from web.payment_notification import payment_notification

log = logging.getLogger("ebok.web")
STATIC_DIR = Path(__file__).parent / "static"
DEMO_MODE_VARIABLE = "EBOK_SERVE_DEMO"
# Set by `ebok serve` ("1" unless --no-worker) for its uvicorn processes.
WORKER_VARIABLE = "EBOK_SERVE_WORKER"
# How long shutdown waits for the in-process worker to finish the message at hand.
WORKER_STOP_TIMEOUT = 30.0


class RequestIdMiddleware:
    """Gives each request an id, echoed in X-Request-ID and quoted in logs and masked errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


async def healthz(request: Request) -> JSONResponse:
    if not await database_reachable():
        log.error("health check: database unreachable")
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def _page_routes() -> list[BaseRoute]:
    from web.pages import routes as page_routes

    return page_routes()


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    manage_database: bool = True,
    run_worker: bool = False,
) -> Starlette:
    """The app. Tests pass their own settings and clock and open the database themselves.

    With `run_worker` the lifespan also runs a worker (e-mail, scheduled jobs) in this
    process, as `ebok serve` does unless --no-worker: one per uvicorn process, which is
    safe because workers claim each message atomically.
    """
    settings = settings or load_settings()
    clock = clock or clock_from_settings(settings.clock, env=settings.env, demo=False)
    # Built here, so a malformed EBOK_SMTP_URL stops the start, not the first e-mail.
    worker = Worker(settings, clock) if run_worker else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # `ebok serve` migrates once before starting the workers; each worker only
        # connects (N workers migrating at once would race on the same tables).
        if manage_database:
            await open_database(settings.database_url)
        stop_worker = asyncio.Event()
        worker_task = asyncio.create_task(worker.run(stop_worker)) if worker else None
        try:
            yield
        finally:
            if worker_task is not None:
                await _stop_worker(worker_task, stop_worker)
            # What this worker charged but has not written yet would be lost with it.
            try:
                await app.state.allowances.flush(clock.now())
            except Exception:
                log.exception("could not write the pending query-allowance charges")
            if manage_database:
                await close_database()

    graphql = GraphQLEndpoint(
        schema,
        graphql_ide="graphiql" if not settings.is_production else None,
    )
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        # The payment operator's server posts here (signed, no session or CSRF token).
        Route(NOTIFICATION_PATH, payment_notification, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        *_page_routes(),
    ]
    from web.auth import AuthMiddleware
    from web.errors import exception_handlers
    from web.security import SecurityHeadersMiddleware

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(SecurityHeadersMiddleware),
            Middleware(AuthMiddleware, settings=settings, clock=clock),
        ],
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    # One buffer of query-allowance charges per worker process (models/services/allowances.py).
    app.state.allowances = Allowances(settings.query_allowance)
    return app


async def _stop_worker(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Let the worker finish the message at hand; past the timeout, cut it off (a message
    cut off mid-send is sent again when its lease runs out)."""
    stop.set()
    try:
        await asyncio.wait_for(task, timeout=WORKER_STOP_TIMEOUT)
    except TimeoutError:
        log.warning("the worker did not stop within %.0f s; stopped it", WORKER_STOP_TIMEOUT)
    except Exception:
        log.exception("the worker ended with an error")


def app_from_environment() -> Starlette:
    """Factory for uvicorn workers: configuration from the environment alone."""
    import os

    settings = load_settings()
    demo = os.environ.get(DEMO_MODE_VARIABLE) == "1"
    clock = clock_from_settings(settings.clock, env=settings.env, demo=demo)
    return create_app(settings, clock, run_worker=os.environ.get(WORKER_VARIABLE) == "1")
