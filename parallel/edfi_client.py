"""A small client for the Ed-Fi ODS/API: OAuth 2 client credentials, offset/limit paging.

Follows the published contract: ``POST {token_url}`` with HTTP Basic client credentials and
``grant_type=client_credentials``; ``GET {base}/ed-fi/{resource}?offset=&limit=&totalCount=true``
returning a JSON array and the ``Total-Count`` header. Retries server errors and timeouts with
exponential back-off; on 401 (expired token) it fetches a new token once and repeats the call.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field


class EdFiApiError(Exception):
    """The API could not be read; the message names the URL and why."""


@dataclass
class Page:
    records: list[dict]
    total_count: int | None


@dataclass
class EdFiClient:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    school_year: int | None = None
    timeout: float = 30
    retries: int = 4
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    _token: str | None = field(default=None, repr=False)

    def token(self, *, refresh: bool = False) -> str:
        if self._token and not refresh:
            return self._token
        credentials = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        request = urllib.request.Request(
            self.token_url,
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        body, _ = self._send(request, what="token request")
        try:
            self._token = json.loads(body)["access_token"]
        except (ValueError, KeyError):
            raise EdFiApiError(
                f"{self.token_url}: the token response has no access_token."
            ) from None
        return self._token

    def resource_url(self, resource: str) -> str:
        base = self.base_url.rstrip("/")
        if self.school_year:
            base = f"{base}/{self.school_year}"
        return f"{base}/ed-fi/{resource}"

    def page(self, resource: str, *, offset: int, limit: int) -> Page:
        query = urllib.parse.urlencode({"offset": offset, "limit": limit, "totalCount": "true"})
        url = f"{self.resource_url(resource)}?{query}"
        refreshed = False
        while True:
            request = urllib.request.Request(
                url,
                headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json"},
            )
            try:
                body, headers = self._send(request, what=f"{resource} offset {offset}")
            except _Unauthorized:
                if refreshed:
                    raise EdFiApiError(f"{url}: 401 Unauthorized even with a new token.") from None
                self.token(refresh=True)
                refreshed = True
                continue
            try:
                records = json.loads(body)
            except ValueError:
                raise EdFiApiError(f"{url}: the response is not JSON.") from None
            if not isinstance(records, list):
                raise EdFiApiError(f"{url}: expected a JSON array of {resource}.")
            total = headers.get("Total-Count")
            return Page(records=records, total_count=int(total) if total else None)

    def _send(self, request, *, what: str) -> tuple[bytes, dict]:
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return response.read(), dict(response.headers)
            except urllib.error.HTTPError as exc:
                if exc.code == 401 and "token" not in what:
                    raise _Unauthorized from None
                if exc.code < 500 and exc.code != 429:
                    raise EdFiApiError(
                        f"{request.full_url}: {exc.code} {exc.reason} ({what})."
                    ) from None
                reason = f"{exc.code} {exc.reason}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = str(getattr(exc, "reason", exc)) or type(exc).__name__
            if attempt == self.retries:
                raise EdFiApiError(
                    f"{request.full_url}: {reason} ({what}), still failing after "
                    f"{self.retries + 1} attempts."
                )
            self.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")


class _Unauthorized(Exception):
    pass
