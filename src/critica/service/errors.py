"""The service's error bodies: `{"error": {"code", "message"}}` with a 4xx or 503 status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from critica.errors import CriticaError, ServiceErrorCode

RETRY_AFTER_S = "5"


class ApiError(CriticaError):
    """A 4xx or 503 answer with a code the client can act on."""

    def __init__(self, status: int, code: ServiceErrorCode, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, ServiceErrorCode(code), message


def error_response(status: int, code: ServiceErrorCode, message: str, details: Any = None) -> JSONResponse:
    """The JSON error body every failure of the service answers with."""
    body: dict[str, Any] = {"error": {"code": ServiceErrorCode(code).value, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
    return error_response(
        422, ServiceErrorCode.INVALID_REQUEST, "the body is not valid JSON of the expected shape", details
    )


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    response = error_response(exc.status, exc.code, exc.message)
    if exc.status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_S
    return response


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return error_response(exc.status_code, ServiceErrorCode.HTTP_ERROR, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - last resort
    return error_response(500, ServiceErrorCode.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")


def install_error_handlers(app: FastAPI) -> None:
    """Every exception becomes the JSON error body."""
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
