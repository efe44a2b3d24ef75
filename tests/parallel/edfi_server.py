"""A local stand-in for an Ed-Fi ODS/API that follows the published contract, with failures.

Token endpoint: ``POST /oauth/token`` (HTTP Basic client credentials, ``grant_type=
client_credentials``) → ``{"access_token", "expires_in", "token_type": "bearer"}``. Resources:
``GET /data/v3/ed-fi/{resource}?offset=&limit=&totalCount=true`` → JSON array + ``Total-Count``.
Failures are scripted per request: expire the token, answer 500, or answer slowly.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CLIENT_ID, CLIENT_SECRET = "rollout-planner", "s3cret-client-value"


@dataclass
class FakeEdFiApi:
    resources: dict[str, list[dict]]
    tokens: set = field(default_factory=set)
    token_requests: int = 0
    requests: list[tuple[str, int]] = field(default_factory=list)  # (resource, offset)
    # Scripted failures, keyed by the number of the resource request (1, 2, …).
    expire_token_at: set = field(default_factory=set)
    fail_at: set = field(default_factory=set)
    slow_at: dict = field(default_factory=dict)
    always_fail_from_offset: int | None = None

    def handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def _json(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if (
                    urlparse(self.path).path != "/oauth/token"
                    or self.headers.get("Authorization") != f"Basic {expected}"
                    or form.get("grant_type") != ["client_credentials"]
                ):
                    return self._json(401, {"error": "invalid_client"})
                api.token_requests += 1
                token = uuid.uuid4().hex
                api.tokens.add(token)
                self._json(200, {"access_token": token, "expires_in": 1800, "token_type": "bearer"})

            def do_GET(self):
                url = urlparse(self.path)
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if token not in api.tokens:
                    return self._json(401, {"message": "Authorization denied."})
                resource = url.path.rsplit("/", 1)[-1]
                if not url.path.startswith("/data/v3/ed-fi/") or resource not in api.resources:
                    return self._json(404, {"message": "Not found"})
                query = parse_qs(url.query)
                offset, limit = int(query["offset"][0]), int(query["limit"][0])
                api.requests.append((resource, offset))
                number = len(api.requests)
                if number in api.expire_token_at:
                    api.tokens.discard(token)
                    return self._json(401, {"message": "Token expired."})
                if number in api.fail_at or (
                    api.always_fail_from_offset is not None
                    and offset >= api.always_fail_from_offset
                ):
                    return self._json(500, {"message": "An unexpected error occurred."})
                if number in api.slow_at:
                    time.sleep(api.slow_at[number])
                records = api.resources[resource]
                self._json(
                    200, records[offset : offset + limit], {"Total-Count": str(len(records))}
                )

        return Handler


class running:
    """``with running(api) as base:`` serves ``api`` on a free local port."""

    def __init__(self, api: FakeEdFiApi):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
