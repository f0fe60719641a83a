# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint system-deps browser-deps lock clean messages bench

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

run: $(VENV)/.installed system-deps  ## set up, migrate, seed the demo on a new database, serve on :5000
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev-installed browser-deps  ## set up with dev dependencies and run the whole suite
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check portal tests migrations
	$(VENV)/bin/ruff format --check portal tests

# Times the rules engine and the compliance page on a large case (20 activities, 2,000
# applicants); prints a table and writes bench/results.json. Figures only, nothing asserted.
bench: $(VENV)/.dev-installed
	$(PY) -m bench.run

# The browser tests drive Debian's Chromium. As root we install it; otherwise they are skipped
# with a message saying how to install it (CI sets PORTAL_REQUIRE_BROWSER=1 to fail instead).
# WeasyPrint (PDFs) needs Pango and a font; the browser tests need Debian's Chromium. As root we
# install what is missing with apt; otherwise we say what to install.
system-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Pango for PDF generation"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
		else echo "Please install Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; fi; \
	fi

browser-deps: system-deps
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: browser tests will be skipped"; \
	fi

# Refresh the pinned versions after changing pyproject.toml.
lock:
	rm -rf /tmp/portal-lock && $(PYTHON) -m venv /tmp/portal-lock
	/tmp/portal-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/portal-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

messages: $(VENV)/.installed  ## extract translatable strings
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
