"""html_to_pdf: the one WeasyPrint call, its fonts and its URL fetcher."""

import io
import socket

import pytest
from pypdf import PdfReader

from portal.documents import pdf as pdf_module
from portal.documents.pdf import (
    STATIC,
    STATIC_BASE_URL,
    BlockedFetch,
    PackagedFilesFetcher,
    html_to_pdf,
    packaged_file,
)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


@pytest.fixture
def fetched(monkeypatch):
    """Fail any socket connection; record every URL asked of the fetcher and what it did."""
    calls = []

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    original = PackagedFilesFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except BlockedFetch:
            calls.append((url, "blocked"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(PackagedFilesFetcher, "fetch", spy)
    return calls


def test_prints_french_text_in_the_bundle_fonts():
    data = html_to_pdf(
        '<html lang="fr"><body><h1>Offre d’emploi</h1>'
        "<p>Salaire : 18,50 $ l’heure — « Québec »</p></body></html>"
    )
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Offre d’emploi" in text
    assert "« Québec »" in text
    assert any("DejaVu-Sans" in name for name in font_names(data))


def test_a_documents_own_font_family_wins_over_the_default():
    data = html_to_pdf(
        "<html><body style=\"font-family: 'Liberation Sans'\"><p>Hello</p></body></html>"
    )
    names = font_names(data)
    assert any("Liberation-Sans" in name for name in names)
    assert not any("DejaVu-Sans" in name for name in names)


def test_packaged_static_files_are_served(fetched):
    html = '<html><head><link rel="stylesheet" href="portal.css"></head><body>x</body></html>'
    assert html_to_pdf(html, base_url=STATIC_BASE_URL).startswith(b"%PDF")
    assert (STATIC_BASE_URL + "portal.css", "served") in fetched
    response = PackagedFilesFetcher().fetch(STATIC_BASE_URL + "portal.css")
    assert response.read() == (STATIC / "portal.css").read_bytes()
    assert response.content_type == "text/css"
    response.close()


def test_data_uris_are_served():
    response = PackagedFilesFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        STATIC_BASE_URL + "../documents/pdf.py",
        STATIC_BASE_URL + "%2e%2e/documents/pdf.py",
        STATIC_BASE_URL + "missing.css",
        STATIC_BASE_URL,
        STATIC_BASE_URL.replace("file://", "file://evil.example"),
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "relative/path.png",
        "portal.css",
        "/etc/passwd",
        str(STATIC / "portal.css"),
    ],
)
def test_the_fetcher_refuses_everything_else(url, fetched):
    fetcher = PackagedFilesFetcher()
    with pytest.raises(BlockedFetch):
        fetcher.fetch(url)
    with pytest.raises(BlockedFetch):
        fetcher(url)
    assert fetcher.blocked == [url, url]


def test_a_symlink_out_of_the_static_folder_is_refused(tmp_path, monkeypatch):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (static / "link.txt").symlink_to(secret)
    monkeypatch.setattr(pdf_module, "STATIC", static.resolve())
    assert packaged_file(static.as_uri() + "/ok.css") == (static / "ok.css").resolve()
    assert packaged_file(static.as_uri() + "/link.txt") is None


def test_urls_in_the_html_never_reach_the_network_or_the_disk(fetched):
    html = (
        "<html><head>"
        '<link rel="stylesheet" href="file:///etc/passwd">'
        "<style>@import url(http://169.254.169.254/css);</style></head><body>"
        '<img src="http://169.254.169.254/latest/meta-data/">'
        '<img src="file:///etc/passwd"><p>after</p></body></html>'
    )
    data = html_to_pdf(html, base_url=STATIC_BASE_URL)
    assert "after" in text_of(data)
    assert "root:" not in text_of(data)
    assert {outcome for _, outcome in fetched} == {"blocked"}
    assert {url for url, _ in fetched} == {
        "file:///etc/passwd",
        "http://169.254.169.254/css",
        "http://169.254.169.254/latest/meta-data/",
    }


def test_weasyprint_is_called_from_the_documents_layer_only():
    from pathlib import Path

    portal = Path(pdf_module.__file__).resolve().parent.parent
    importers = sorted(
        str(path.relative_to(portal))
        for path in portal.rglob("*.py")
        if "import weasyprint" in path.read_text() or "from weasyprint" in path.read_text()
    )
    assert importers == ["documents/pdf.py"]
