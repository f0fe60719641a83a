"""Small helpers for driving forms in tests."""

import re

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_token(client, url: str = "/account/login") -> str:
    """GET ``url`` and return the CSRF token its form carries."""
    response = client.get(url)
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, token_from: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with a valid CSRF token taken from ``token_from`` (or ``url``)."""
    token = form_token(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)
