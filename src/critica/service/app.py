"""The HTTP service: the contract over JSON, per-film reports from the store, and the web page.

Every error is a JSON body `{"error": {"code", "message"}}` with a 4xx
status: oversized bodies (413), wrong content type (415), invalid JSON or
missing fields (422), texts over the configured length (422), batches over
the limit (422), unknown films (404), a full queue for long reviews or a busy
store (503 with Retry-After). Models load once per worker at start-up.

Two lanes keep one caller from stalling the others. Reviews up to
`long_chars` characters run in this process, in a thread, one review at a
time (the encoder is not re-entrant) and in arrival order, so a batch of many
short reviews interleaves with other requests. Longer reviews run in a second
process with its own models, at most `long_queue` waiting; a short review
never waits behind a long one.
"""

from __future__ import annotations

import asyncio
import html
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from critica.errors import CriticaError

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class ServiceConfig:
    """Limits and resources of one service instance."""

    tier: str = "default"
    store: Path | None = None
    max_body_bytes: int = 1_000_000
    max_text_chars: int = 100_000
    max_batch: int = 100
    cors_origins: tuple[str, ...] = ()
    long_chars: int = 20_000  # reviews longer than this go to the long-review process
    long_queue: int = 16  # long reviews waiting or running before new ones get 503

    @classmethod
    def from_env(cls) -> ServiceConfig:
        """Read CRITICA_* variables (how `critica serve --workers N` passes options to each worker)."""
        store = os.environ.get("CRITICA_STORE")
        origins = os.environ.get("CRITICA_CORS_ORIGINS", "")
        return cls(
            tier=os.environ.get("CRITICA_TIER", "default"),
            store=Path(store) if store else None,
            max_body_bytes=int(os.environ.get("CRITICA_MAX_BODY_BYTES", 1_000_000)),
            max_text_chars=int(os.environ.get("CRITICA_MAX_TEXT_CHARS", 100_000)),
            max_batch=int(os.environ.get("CRITICA_MAX_BATCH", 100)),
            cors_origins=tuple(o for o in origins.split(",") if o),
            long_chars=int(os.environ.get("CRITICA_LONG_CHARS", 20_000)),
            long_queue=int(os.environ.get("CRITICA_LONG_QUEUE", 16)),
        )


class ReviewIn(BaseModel):
    """One review to analyse."""

    text: str = Field(description="The review text.")
    id: str | None = Field(default=None, description="Your id for it; a hash of the text otherwise.")


class BatchIn(BaseModel):
    """Several reviews to analyse."""

    reviews: list[ReviewIn]


class ApiError(CriticaError):
    """A 4xx answer with a code the client can act on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """Build the FastAPI application."""
    config = config or ServiceConfig()
    state: dict[str, Any] = {"pipeline": None, "lock": asyncio.Lock(), "long": None, "long_pending": 0}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from critica.pipeline import Pipeline

        # The long-review process starts with the first long review (its models load then, once).
        # spawn, not fork: this process already runs threads, which fork does not carry safely.
        lane = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lane_start,
            initargs=(config.tier, config.max_text_chars),
        )
        pipeline = Pipeline(tier=config.tier, max_chars=config.max_text_chars)
        await run_in_threadpool(lambda: pipeline.stages)  # load every model before serving
        await run_in_threadpool(pipeline.analyze, WARM_UP)
        state["pipeline"], state["long"] = pipeline, lane
        try:
            yield
        finally:
            lane.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        docs_url=None,  # Swagger UI loads from a CDN, which an offline machine cannot reach; see /docs below
        redoc_url=None,
        title="critica",
        version=_version(),
        summary="Reseñas de cine en español: polaridad, aspectos, datos de la película y calidad de la traducción.",
        lifespan=lifespan,
    )
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"])

    app.add_middleware(BodyGuard, limit=config.max_body_bytes)
    app.router.redirect_slashes = False  # its redirects echo the client's Host header into Location

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return _error(422, "invalid_request", "the body is not valid JSON of the expected shape", details)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        response = _error(exc.status, exc.code, exc.message)
        if exc.status == 503:
            response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - last resort
        return _error(500, "internal_error", f"{type(exc).__name__}: {exc}")

    async def analyse(reviews: list[ReviewIn]) -> list[dict[str, Any]]:
        for review in reviews:
            if len(review.text) > config.max_text_chars:
                raise ApiError(422, "text_too_long", f"a review is over {config.max_text_chars:,} characters")
        return [await analyse_one(r) for r in reviews]

    async def analyse_one(review: ReviewIn) -> dict[str, Any]:
        if len(review.text) > config.long_chars:
            if state["long_pending"] >= config.long_queue:
                raise ApiError(503, "busy", "too many long reviews are waiting; retry soon or send shorter ones")
            state["long_pending"] += 1
            try:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(state["long"], _lane_analyze, review.text, review.id)
            finally:
                state["long_pending"] -= 1
        pipeline = state["pipeline"]
        async with state["lock"]:  # asyncio.Lock is first come, first served
            return await run_in_threadpool(lambda: pipeline.analyze(review.text, id=review.id).to_dict())

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Whether the models are loaded."""
        pipeline = state["pipeline"]
        loaded = pipeline is not None
        return {
            "status": "ok" if loaded else "loading",
            "models_loaded": loaded,
            "tier": config.tier,
            "model": pipeline.polarity_model.name if loaded else None,
            "store": str(config.store) if config.store else None,
        }

    @app.post("/v1/analyze", tags=["analysis"])
    async def analyze_one(review: ReviewIn) -> dict[str, Any]:
        """Analyse one review; returns the contract object."""
        return (await analyse([review]))[0]

    @app.post("/v1/analyze/batch", tags=["analysis"])
    async def analyze_batch(batch: BatchIn) -> dict[str, Any]:
        """Analyse up to `max_batch` reviews; results in request order."""
        if len(batch.reviews) > config.max_batch:
            raise ApiError(422, "batch_too_large", f"send at most {config.max_batch} reviews per request")
        return {"results": await analyse(batch.reviews)}

    def read_store(question: Callable[[Any], Any]) -> Any:
        """Open the store read-only, ask it one thing, close it; a busy or broken store is a 503."""
        if config.store is None or not config.store.exists():
            raise ApiError(404, "no_store", "this service has no store; start it with `critica serve --store FILE`")
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
                503, "store_unavailable", "the store cannot be read right now (a batch may be writing it); retry soon"
            ) from None

    @app.get("/v1/films", tags=["store"])
    async def films() -> dict[str, Any]:
        """Per-film reports from the store."""
        return await run_in_threadpool(read_store, lambda db: {"films": db.films(), "reviews": db.count()})

    @app.get("/v1/films/{film}", tags=["store"])
    async def film(film: str) -> dict[str, Any]:
        """One film's report with its strongest evidence passages."""
        found = await run_in_threadpool(read_store, lambda db: db.film(film))
        if found is None:
            raise ApiError(404, "unknown_film", f"no reviews of '{film}' in the store")
        return found

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """The API's endpoints, from its OpenAPI schema, with no assets from outside (it works offline)."""
        return HTMLResponse(_docs_page(app.openapi()))

    return app


WARM_UP = "Una película estupenda, con una fotografía preciosa."
_lane_pipeline: Any = None


def _lane_start(tier: str, max_chars: int) -> None:
    """In the long-review process: build its own pipeline, once."""
    global _lane_pipeline
    from critica.pipeline import Pipeline

    _lane_pipeline = Pipeline(tier=tier, max_chars=max_chars)


def _lane_analyze(text: str, rid: str | None) -> dict[str, Any]:
    return _lane_pipeline.analyze(text, id=rid).to_dict()


class BodyGuard:
    """ASGI middleware: POST bodies must be JSON and at most `limit` bytes, chunked or not.

    The body is read here as it arrives and refused as soon as it passes the limit, so a
    client cannot make the server hold more than `limit` bytes (a chunked upload has no
    Content-Length to check first). The bytes read are then replayed to the application.
    """

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """Check, read and replay the body of a POST; pass everything else through."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        too_large = _error(413, "body_too_large", f"the body is over {self.limit:,} bytes")
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_large(scope, receive, send)
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return await _error(415, "unsupported_media_type", "send the body as application/json")(
                scope, receive, send
            )
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return await too_large(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            invalid = _error(422, "invalid_request", "the body is not UTF-8 encoded JSON")
            return await invalid(scope, receive, send)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


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
