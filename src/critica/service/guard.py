"""`BodyGuard`: the size, type and encoding checks every POST body passes before the application reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from critica.errors import ServiceErrorCode
from critica.service.errors import error_response


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
        too_large = error_response(413, ServiceErrorCode.BODY_TOO_LARGE, f"the body is over {self.limit:,} bytes")
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await too_large(scope, receive, send)
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return await error_response(
                415, ServiceErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json"
            )(scope, receive, send)
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
            invalid = error_response(422, ServiceErrorCode.INVALID_REQUEST, "the body is not UTF-8 encoded JSON")
            return await invalid(scope, receive, send)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)
