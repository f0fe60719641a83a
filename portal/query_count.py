"""SQL statements per request, for `make bench-scale`: an ``X-Query-Count`` response header.

Off unless ``PORTAL_BENCH_COUNT_QUERIES=1`` (config ``COUNT_QUERIES``): in normal use no listener
is attached, so the served app pays nothing for it.
"""

from flask import Flask, g, has_request_context
from sqlalchemy import event

from portal.extensions import db

HEADER = "X-Query-Count"


def _count_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1


def _send_count(response):
    response.headers[HEADER] = str(g.get("query_count", 0))
    return response


def register(app: Flask) -> None:
    """Count every statement the app's engine sends while a request is handled."""
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_statement)
    app.after_request(_send_count)
