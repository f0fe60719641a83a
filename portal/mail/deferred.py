"""Work done after the response has gone out: mail whose sending must not show in the answer.

Sign-up and password reset answer the same way whether or not an account uses the address.
Looking the address up and sending the mail inside the request would make the answer slower for
one of the two, so both hand that work to ``after_response``: the WSGI server runs it once the
last byte of the response is written (``Response.call_on_close``), in a fresh application context
with its own database session, and commits it. A failure is logged, never shown: the visitor's
answer was already the same either way.
"""

import logging
from collections.abc import Callable

from flask import after_this_request, current_app, g, has_request_context, request

from portal.extensions import db

log = logging.getLogger("portal.mail")

_PENDING = "portal.after_response"


class RunAfterLastByte:
    """Close a response that has work after it as soon as its last byte is written.

    Production servers close the body right after writing it, but Werkzeug's development server
    (``make run``, the browser tests) first drains the socket with a blocking read, so the work
    waited until the browser dropped the connection: a new account's confirmation mail came
    seconds or minutes late. The server asks for the next chunk only after writing the previous
    one, so the end of the iteration is the moment the answer has gone. Other responses pass
    through untouched (file downloads keep the server's file wrapper).
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        if not environ.get(_PENDING):
            return body
        return _ClosedWhenExhausted(body)


class _ClosedWhenExhausted:
    # An iterator, not a generator: a generator left unread would run the work when garbage
    # collected, at some unrelated moment.
    def __init__(self, body):
        self.body = body
        self.chunks = iter(body)
        self.closed = False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.chunks)
        except StopIteration:
            self.close()
            raise

    def close(self):
        if not self.closed:
            self.closed = True
            close = getattr(self.body, "close", None)
            if close is not None:
                close()


def after_response(job: Callable, *args, **kwargs) -> None:
    """Run ``job(*args, **kwargs)`` after this request's response is sent.

    Pass plain values, not database rows: the job runs with its own session. It runs inside a
    request context for the same site (``url_for(..., _external=True)`` works), signed out.
    Outside a request (a command), it runs at once.
    """
    if not has_request_context():
        job(*args, **kwargs)
        return
    jobs = g.get("after_response_jobs")
    if jobs is None:
        jobs = g.after_response_jobs = []
        app = current_app._get_current_object()
        # The same site and the same client address (for the audit log) as this request.
        place = {"base_url": request.url_root, "environ_base": {"REMOTE_ADDR": request.remote_addr}}

        request.environ[_PENDING] = True  # tells RunAfterLastByte to watch this response

        @after_this_request
        def run_when_closed(response):
            response.call_on_close(lambda: _run(app, place, jobs))
            return response

    jobs.append((job, args, kwargs))


def _run(app, place: dict, jobs: list) -> None:
    for job, args, kwargs in jobs:
        with app.test_request_context("/", **place):
            try:
                job(*args, **kwargs)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("work after the response failed: %s", getattr(job, "__name__", job))
