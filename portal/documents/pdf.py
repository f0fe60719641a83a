"""HTML → PDF: the portal's one WeasyPrint call.

Everything the portal prints (the bundle index, a DOCX upload converted for ESDC, a job offer
letter) goes through :func:`html_to_pdf`. Its URL fetcher serves ``data:`` URIs and the files
packaged in ``portal/static/``, and refuses every other URL (http, ftp, ``file:`` anywhere else,
a symlink or ``..`` leading out of the folder): a value that reaches the HTML can never make the
server read a local file or reach the network (security bar 2(i); user text is escaped before it
gets here, this is the second wall).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
# Pass as ``base_url`` so a template may say ``<img src="img/logo.png">`` for a packaged file.
STATIC_BASE_URL = STATIC.as_uri() + "/"

# The fonts the bundle index has always named (Debian's fonts-dejavu / fonts-liberation): DejaVu
# covers French accents, « » and the narrow no-break space French typography uses. A fallback
# at the user level, so a document's own ``font-family`` still wins.
FONT_STACK = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'
BASE_CSS = f"html {{ font-family: {FONT_STACK}; }}"


class BlockedFetch(ValueError):
    """WeasyPrint asked for a URL that is neither a ``data:`` URI nor a packaged static file."""


def packaged_file(url: str) -> Path | None:
    """The file under ``portal/static/`` that ``url`` names, or None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(url2pathname(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(STATIC) or not path.is_file():
        return None
    return path


class PackagedFilesFetcher(URLFetcher):
    """Serves ``data:`` URIs and files under ``portal/static/``; raises :class:`BlockedFetch`
    for every other URL and records it in ``blocked``."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
        self.blocked: list[str] = []

    def fetch(self, url, headers=None):
        url = str(url)
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = packaged_file(url)
        if path is None:
            self.blocked.append(url)
            raise BlockedFetch(
                f"only data: URIs and packaged static files may be loaded, not {url[:100]!r}"
            )
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Print an HTML string to PDF, nothing loaded from outside the string and the packaged
    static files. ``base_url`` resolves relative URLs (:data:`STATIC_BASE_URL` for the packaged
    files); None leaves them unresolved, so they are not loaded."""
    fetcher = PackagedFilesFetcher()
    fonts = FontConfiguration()
    base = CSS(string=BASE_CSS, font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[base], font_config=fonts)
