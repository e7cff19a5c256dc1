"""Refuse request bodies over a size limit with a clear 413, before they fill memory or disk.

A declared ``Content-Length`` over the limit is answered at once, without reading a byte; a
body without one (chunked) is counted as it arrives and refused when it passes the limit.
Starlette would otherwise spool a whole multipart upload to a temporary file before the
import route could look at its size.

Example:
    >>> from fastapi import FastAPI
    >>> app = FastAPI()
    >>> app.add_middleware(BodyLimit, max_bytes=1024)
    >>> too_large_detail(1024)
    'request body: larger than 1 KiB (the limit)'
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large_detail(max_bytes: int) -> str:
    """The message of a refused body: the limit in the largest whole unit."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if max_bytes >= size:
            return f"request body: larger than {max_bytes // size} {unit} (the limit)"
    return f"request body: larger than {max_bytes} bytes (the limit)"


class BodyLimit:
    """ASGI middleware: at most ``max_bytes`` of request body per HTTP request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = too_large_detail(self.max_bytes)
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_413(send, detail)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, detail=detail)  # FastAPI answers it as a 413
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await _send_413(send, detail)


async def _send_413(send: Send, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
