"""A local web server for capture tests: serves a small job ad, a redirect to it, a redirect
to another local server (which the guard must refuse), and a 404. The SSRF guard is told to
allow this server only (CAPTURE_ALLOWED_HOSTS)."""

import http.server
import threading
from contextlib import contextmanager

AD_HTML = (
    "<!doctype html><title>Line cook - Maple Leaf Bistro</title>"
    "<h1>Line cook wanted</h1><p>Maple Leaf Bistro, Toronto. $18.50 an hour, 40 hours a week."
    "</p><p>Apply by email: jobs@maple-bistro.example</p>"
)


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep test output clean
        pass


def _ad_server(forbidden_port: int):
    class Ad(_Quiet):
        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/ad")
                self.end_headers()
            elif self.path == "/to-private":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{forbidden_port}/")
                self.end_headers()
            elif self.path == "/ad":
                body = AD_HTML.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.end_headers()

    return Ad


class _Secret(_Quiet):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"internal admin page")


@contextmanager
def ad_servers():
    """(ad server base URL, its host:port, a forbidden server's base URL)."""
    secret = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Secret)
    forbidden_port = secret.server_address[1]
    ads = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ad_server(forbidden_port))
    for server in (secret, ads):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{ads.server_address[1]}"
    try:
        yield f"http://{host}", host, f"http://127.0.0.1:{forbidden_port}"
    finally:
        for server in (secret, ads):
            server.shutdown()
            server.server_close()
