"""Capture a web page as it appears now: a full-page PDF and a PNG screenshot, taken by the
portal's own headless Chromium (Playwright with Debian's ``chromium``). Plain Python.

Every request the page makes passes the URL guard (``portal.capture.guard``). Chromium follows
redirects without showing them to Playwright's routing, so the portal fetches each request
itself one hop at a time (``route.fetch(max_redirects=0)``), checks every ``Location`` before
following it, and hands the browser only a checked answer. Service workers are blocked (they
would bypass routing), and WebSocket, WebRTC and WebTransport are removed from the page before
its scripts run (they are not routed either). The whole page is bounded in requests, bytes and
time. A host whose name resolves to a public address when checked and to a private one when
fetched a moment later (DNS rebinding) is a remaining risk: run the capturing worker where the
network itself keeps it from internal services (see README, "Ad capture").
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

from portal.capture.guard import CaptureRefused, check_url

log = logging.getLogger("portal.capture")

MAX_REDIRECTS = 5
MAX_REQUESTS = 300
VIEWPORT = {"width": 1280, "height": 900}
_NO_UNROUTED_CHANNELS = """
for (const name of ["WebSocket", "RTCPeerConnection", "webkitRTCPeerConnection", "WebTransport"]) {
  try { delete window[name]; } catch (e) {}
  try { Object.defineProperty(window, name, {value: undefined}); } catch (e) {}
}
"""


@dataclass(frozen=True)
class PageCapture:
    """What a capture made: the two files and what they show."""

    url: str  # the address asked for
    final_url: str  # where the page was after redirects
    captured_at: datetime  # UTC
    pdf: bytes
    png: bytes
    title: str = ""

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def png_sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


@dataclass
class _Budget:
    max_bytes: int
    requests: int = 0
    received: int = 0
    refusals: list[str] = field(default_factory=list)

    def refuse(self, why: str) -> None:
        self.refusals.append(why)


def capture_page(url: str, **options) -> PageCapture:
    """Open ``url`` and capture it (see :func:`_capture`). Run in a thread of its own:
    Playwright's sync API refuses to start where an asyncio loop already runs (another
    Playwright in the same process, e.g. a worker that embeds one)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ad-capture") as pool:
        return pool.submit(_capture, url, **options).result()


def _capture(
    url: str,
    *,
    executable_path: str = "/usr/bin/chromium",
    allowed: Iterable[str] = (),
    timeout_s: float = 30,
    max_bytes: int = 20 * 1024 * 1024,
) -> PageCapture:
    """Open ``url`` and capture it; CaptureRefused (with the reason a user can act on) when the
    address may not be fetched, cannot be reached, answers an error or is too large."""
    allowed = tuple(allowed)
    check_url(url, allowed)
    if not os.access(executable_path, os.X_OK):
        # Said plainly, before Playwright starts its driver process only to fail the same way.
        log.error("ad capture: no browser at %s (PORTAL_CHROMIUM)", executable_path)
        raise CaptureRefused("the portal's browser is not installed: tell the operator")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    budget = _Budget(max_bytes)
    timeout_ms = timeout_s * 1000

    def route_request(route) -> None:
        request = route.request
        current = request.url
        try:
            budget.requests += 1
            if budget.requests > MAX_REQUESTS:
                raise CaptureRefused(f"the page makes more than {MAX_REQUESTS} requests")
            for _hop in range(MAX_REDIRECTS + 1):
                check_url(current, allowed)
                response = route.fetch(url=current, max_redirects=0, timeout=timeout_ms)
                budget.received += len(response.body())
                if budget.received > budget.max_bytes:
                    raise CaptureRefused(
                        f"the page is larger than {budget.max_bytes // (1024 * 1024)} MB"
                    )
                location = response.headers.get("location")
                if not (300 <= response.status < 400 and location):
                    break
                current = urljoin(current, location)
            else:
                raise CaptureRefused(f"more than {MAX_REDIRECTS} redirects")
            if response.status >= 400 and request.is_navigation_request():
                raise CaptureRefused(
                    f"the page answered HTTP {response.status}: nothing to capture"
                )
        except CaptureRefused as refusal:
            budget.refuse(str(refusal))
            route.abort("blockedbyclient")
            return
        except PlaywrightError as error:
            budget.refuse(_network_reason(str(error)))
            route.abort("failed")
            return
        if current != request.url and request.is_navigation_request():
            # The browser goes to the checked end of the chain itself, so the page's address
            # (and the links relative to it) are the real ones.
            route.fulfill(status=302, headers={"Location": current})
        else:
            route.fulfill(response=response)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable_path, headless=True)
        try:
            context = browser.new_context(
                viewport=VIEWPORT, service_workers="block", accept_downloads=False
            )
            context.add_init_script(_NO_UNROUTED_CHANNELS)
            context.route("**/*", route_request)
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            try:
                response = page.goto(url, wait_until="load", timeout=timeout_ms)
            except PlaywrightError as error:
                raise CaptureRefused(
                    budget.refusals[0] if budget.refusals else _network_reason(str(error))
                ) from None
            if budget.refusals and (response is None or budget.refusals[0].startswith("the page")):
                raise CaptureRefused(budget.refusals[0])
            if response is None:
                raise CaptureRefused("the page did not load")
            if response.status >= 400:
                raise CaptureRefused(
                    f"the page answered HTTP {response.status}: nothing to capture"
                )
            captured_at = datetime.now(UTC)
            png = page.screenshot(full_page=True, type="png")
            page.emulate_media(media="screen")
            pdf = page.pdf(print_background=True, format="Letter")
            title = page.title()[:200]
            final_url = page.url
        finally:
            browser.close()
    if len(pdf) + len(png) > max_bytes:
        raise CaptureRefused(f"the capture is larger than {max_bytes // (1024 * 1024)} MB")
    return PageCapture(url, final_url, captured_at, pdf, png, title)


def _network_reason(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    if "ERR_NAME_NOT_RESOLVED" in first:
        return "the address could not be found"
    if "Timeout" in first or "timeout" in first:
        return "the page took too long to load"
    if "ERR_CONNECTION_REFUSED" in first:
        return "the site refused the connection"
    return f"the page could not be loaded ({first[:150]})"
