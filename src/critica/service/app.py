"""The HTTP service: the contract over JSON, per-film reports from the store, and the web page.

Every error is a JSON body `{"error": {"code", "message"}}` (`errors.py`) with
a 4xx status: oversized bodies (413), wrong content type (415), invalid JSON
or missing fields (422), texts over the configured length (422), batches over
the limit (422), unknown films (404), a full queue for long reviews or a busy
store (503 with Retry-After). Models load once per worker at start-up; short
and long reviews run in separate lanes (`lanes.py`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from critica.errors import ServiceErrorCode
from critica.service.config import ServiceConfig
from critica.service.errors import ApiError, install_error_handlers
from critica.service.guard import BodyGuard
from critica.service.lanes import Lanes

STATIC = Path(__file__).resolve().parent / "static"


class ReviewIn(BaseModel):
    """One review to analyse."""

    text: str = Field(description="The review text.")
    id: str | None = Field(default=None, description="Your id for it; a hash of the text otherwise.")


class BatchIn(BaseModel):
    """Several reviews to analyse."""

    reviews: list[ReviewIn]


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """Build the FastAPI application for one `ServiceConfig`."""
    config = config or ServiceConfig()
    lanes = Lanes(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await lanes.start()
        try:
            yield
        finally:
            lanes.stop()

    app = FastAPI(
        docs_url=None,  # Swagger UI loads from a CDN, which an offline machine cannot reach; see /docs below
        redoc_url=None,
        title="critica",
        version=_version(),
        summary="Reseñas de cine en español: polaridad, aspectos, datos de la película y calidad de la traducción.",
        lifespan=lifespan,
    )
    app.state.lanes = lanes  # the lanes' counters, for tests and diagnostics
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"])
    app.add_middleware(BodyGuard, limit=config.max_body_bytes)
    app.router.redirect_slashes = False  # its redirects echo the client's Host header into Location
    install_error_handlers(app)
    app.include_router(analysis_routes(config, lanes))
    app.include_router(store_routes(config))
    app.include_router(page_routes(app))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def analysis_routes(config: ServiceConfig, lanes: Lanes) -> APIRouter:
    """/healthz, /v1/analyze and /v1/analyze/batch."""
    router = APIRouter()

    async def analyse(reviews: list[ReviewIn]) -> list[dict[str, Any]]:
        for review in reviews:
            if len(review.text) > config.max_text_chars:
                raise ApiError(
                    422, ServiceErrorCode.TEXT_TOO_LONG, f"a review is over {config.max_text_chars:,} characters"
                )
        return [await lanes.analyse(r.text, r.id) for r in reviews]

    @router.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Whether the models are loaded."""
        loaded = lanes.model is not None
        return {
            "status": "ok" if loaded else "loading",
            "models_loaded": loaded,
            "tier": config.tier,
            "model": lanes.model,
            "store": str(config.store) if config.store else None,
        }

    @router.post("/v1/analyze", tags=["analysis"])
    async def analyze_one(review: ReviewIn) -> dict[str, Any]:
        """Analyse one review; returns the contract object."""
        return (await analyse([review]))[0]

    @router.post("/v1/analyze/batch", tags=["analysis"])
    async def analyze_batch(batch: BatchIn) -> dict[str, Any]:
        """Analyse up to `max_batch` reviews; results in request order."""
        if len(batch.reviews) > config.max_batch:
            raise ApiError(
                422, ServiceErrorCode.BATCH_TOO_LARGE, f"send at most {config.max_batch} reviews per request"
            )
        return {"results": await analyse(batch.reviews)}

    return router


def store_routes(config: ServiceConfig) -> APIRouter:
    """/v1/films and /v1/films/{film}, read-only from the store."""
    router = APIRouter()

    def read_store(question: Callable[[Any], Any]) -> Any:
        """Open the store read-only, ask it one thing, close it; a busy or broken store is a 503."""
        if config.store is None or not config.store.exists():
            raise ApiError(
                404, ServiceErrorCode.NO_STORE, "this service has no store; start it with `critica serve --store FILE`"
            )
        import duckdb

        from critica.store.database import ReviewStore, StoreError

        try:
            db = ReviewStore(config.store, read_only=True)
            try:
                return question(db)
            finally:
                db.close()
        except (StoreError, duckdb.Error):
            # No file paths or database internals in the answer: the log has them.
            raise ApiError(
                503,
                ServiceErrorCode.STORE_UNAVAILABLE,
                "the store cannot be read right now (a batch may be writing it); retry soon",
            ) from None

    @router.get("/v1/films", tags=["store"])
    async def films() -> dict[str, Any]:
        """Per-film reports from the store."""
        return await run_in_threadpool(read_store, lambda db: {"films": db.films(), "reviews": db.count()})

    @router.get("/v1/films/{film}", tags=["store"])
    async def film(film: str) -> dict[str, Any]:
        """One film's report with its strongest evidence passages."""
        found = await run_in_threadpool(read_store, lambda db: db.film(film))
        if found is None:
            raise ApiError(404, ServiceErrorCode.UNKNOWN_FILM, f"no reviews of '{film}' in the store")
        return found

    return router


def page_routes(app: FastAPI) -> APIRouter:
    """The web page at / and the offline API docs at /docs."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "HEAD"])
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        """The API's endpoints, from its OpenAPI schema, with no assets from outside (it works offline)."""
        return HTMLResponse(_docs_page(app.openapi()))

    return router


def _docs_page(schema: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(method.upper())}</code></td><td><code>{html.escape(path)}</code></td>"
        f"<td>{html.escape(op.get('summary', ''))}</td><td>{html.escape(op.get('description', ''))}</td></tr>"
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    )
    return (
        '<!doctype html><html lang="es"><meta charset="utf-8"><title>critica API</title>'
        f"<h1>critica API {html.escape(schema.get('info', {}).get('version', ''))}</h1>"
        '<p>The full schema: <a href="/openapi.json">/openapi.json</a>. Errors are '
        '<code>{"error": {"code", "message"}}</code> with a 4xx or 503 status.</p>'
        f"<table><tr><th>method</th><th>path</th><th>summary</th><th>description</th></tr>{rows}</table></html>"
    )


def _version() -> str:
    from critica import __version__

    return __version__


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (`critica serve --workers N`)."""
    return create_app(ServiceConfig.from_env())
