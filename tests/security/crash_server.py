"""The portal's werkzeug server for the crash test: the app is built once, then each "start"
line on stdin forks a fresh server process (its pid printed) that the test kills with SIGKILL.

Forking keeps a restart under a second on a loaded machine; each life is still a separate
process with its own database connections, threads and bundle builders, as after a real
restart. Usage: ``python tests/security/crash_server.py PORT``.
"""

import os
import signal
import sys


def main() -> None:
    port = int(sys.argv[1])
    from werkzeug.serving import make_server

    from portal import create_app

    # Many builds in one test: the hourly limit is not what is tested here.
    app = create_app({"BUNDLE_MAX_PER_HOUR": 100_000, "BUNDLE_MAX_RUNNING_PER_EMPLOYER": 100})
    # A killed server is reaped at once: a zombie's pid still answers kill(pid, 0), and the
    # bundle sweep would take the dead build for a live one.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for _line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            server = make_server("127.0.0.1", port, app, threaded=True)
            server.serve_forever()
            os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
