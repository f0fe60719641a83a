"""Browser harness: the app served on a loopback port, driven by Debian's Chromium via Playwright.

The app under test is the ``app`` fixture of tests/conftest.py (a fresh migrated database per
test, CSRF on). It is served by Werkzeug in a background thread; Chromium submits real forms.

Without /usr/bin/chromium the browser tests are skipped, unless PORTAL_REQUIRE_BROWSER=1 (CI),
in which case they fail. No browser is ever downloaded: Playwright drives the system Chromium.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INSTALL_HINT = "install it with: sudo apt-get install chromium (Debian/Ubuntu)"
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    """Every test in this folder drives the browser: mark it, so `-m "not browser"` skips it."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _browser_required() -> bool:
    return os.environ.get("PORTAL_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str):
    """Skip (developer machine) or fail (CI sets PORTAL_REQUIRE_BROWSER=1)."""
    if _browser_required():
        pytest.fail(f"{reason}; PORTAL_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing; run `make test` to install dev deps")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"browser tests need Chromium at {CHROMIUM}; {INSTALL_HINT}")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@dataclass
class LiveServer:
    url: str
    # Exceptions raised by the app while serving the browser (a 500 must fail the test).
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def live_server(app):
    """Serve the test's ``app`` on a free loopback port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(url=f"http://127.0.0.1:{server.port}")

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        got_request_exception.disconnect(record, app)
    assert not live.errors, f"the app raised while serving the browser: {live.errors!r}"


@dataclass
class BrowserProblems:
    """What the pages reported going wrong: script errors, console errors (CSP violations among
    them), server errors, and sub-resources (stylesheet...) that failed to load."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        # "Failed to load resource" repeats an HTTP status; _response judges those, so that an
        # expected 404 page (asserted by the test) is not an error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.messages.append(f"console error: {message.text} ({message.location})")

    def _response(self, response) -> None:
        subresource = response.request.resource_type != "document"
        if response.status >= 500 or (
            response.status >= 400 and subresource and not response.url.endswith("/favicon.ico")
        ):
            self.messages.append(f"HTTP {response.status} for {response.url}")


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies), at the live server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []
    problems = BrowserProblems()

    def open_page(**options):
        """``options`` go to ``browser.new_context``, e.g. ``java_script_enabled=False``."""
        context = browser.new_context(
            **{
                "base_url": live_server.url,
                "viewport": DESKTOP,
                "locale": "en-CA",
                "timezone_id": "America/Toronto",
                **options,
            }
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems.messages, "the browser reported errors:\n" + "\n".join(problems.messages)
