# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# bandit and semgrep live in a virtualenv of their own (semgrep's pins conflict with ours).
TOOLS := .tools
SEMGREP := $(TOOLS)/bin/semgrep scan --metrics=off --disable-version-check --no-git-ignore \
	--quiet --error --config .semgrep/
FLASK := $(VENV)/bin/flask --app portal
CHROMIUM ?= /usr/bin/chromium

.PHONY: run serve worker test lint secrets-baseline sbom system-deps browser-deps lock lock-tools clean \
	messages catalogue bench bench-scale

# The French catalogue compiled (a build product, not in git): a language is offered once its
# .mo exists (portal/auth/locales.py), so every way of running the portal compiles it first.
CATALOGUE := portal/translations/fr_CA/LC_MESSAGES/messages.po
COMPILED := portal/translations/fr_CA/LC_MESSAGES/messages.mo
$(COMPILED): $(CATALOGUE) $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -i $(CATALOGUE) -o $@ -l fr_CA

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# Made anew whenever the pinned tool versions change.
$(TOOLS)/.installed: tools-requirements.txt
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet -r tools-requirements.txt
	touch $@

run: $(VENV)/.installed system-deps $(COMPILED)  ## set up, migrate, seed the demo on a new database, serve on :5000
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# The job queue's worker (README "The job queue"): takes bundles, offer letters and reminder
# mails from Redis. Needs PORTAL_REDIS_URL (the web processes use the same); without it jobs run
# in the web process and no worker is needed.
worker: $(VENV)/.installed system-deps $(COMPILED)
	$(FLASK) worker

# Production serving (README "Serving"): gunicorn, several sync workers, settings from
# gunicorn.conf.py and the environment. It never migrates or seeds (workers starting together
# would race): it refuses a database whose schema is not this code's; run
# `flask --app portal db upgrade` once, before.
serve: $(VENV)/.installed system-deps $(COMPILED)
	$(VENV)/bin/gunicorn -c gunicorn.conf.py

test: $(VENV)/.dev-installed browser-deps $(COMPILED)  ## set up with dev dependencies and run the whole suite
	$(PY) -m pytest

# ruff, bandit (settings in pyproject.toml) and the project's semgrep rules (.semgrep/, run
# offline), every `# nosec`/`# nosemgrep` naming its check and a reason, and detect-secrets
# against .secrets.baseline: every check runs, and any finding makes the target fail.
lint: $(VENV)/.dev-installed $(TOOLS)/.installed
	@status=0; \
	echo "ruff check"; $(VENV)/bin/ruff check portal tests migrations || status=1; \
	echo "ruff format --check"; $(VENV)/bin/ruff format --check portal tests || status=1; \
	echo "bandit"; $(TOOLS)/bin/bandit -c pyproject.toml -r portal migrations -q || status=1; \
	echo "semgrep"; $(SEMGREP) portal migrations templates || status=1; \
	echo "exemptions name their check and a reason"; \
	$(PY) -m tests.security.exemptions portal migrations || status=1; \
	echo "detect-secrets (no secret beyond .secrets.baseline)"; \
	baseline=$$(mktemp); cp .secrets.baseline $$baseline; \
	$(TOOLS)/bin/detect-secrets-hook --baseline $$baseline $$(git ls-files); found=$$?; \
	rm -f $$baseline; [ $$found = 0 ] || [ $$found = 3 ] || status=1; \
	exit $$status

# detect-secrets reads every tracked file but tests/ (fixture passwords by design), the baseline
# itself and Alembic's revision ids. Its hook exits 3 when only line numbers moved: not a new
# secret. After reviewing a new finding (a placeholder, not a credential): make secrets-baseline.
secrets-baseline: $(TOOLS)/.installed
	$(TOOLS)/bin/detect-secrets scan --baseline .secrets.baseline

# A CycloneDX 1.6 SBOM of the portal as installed in .venv with its pinned dependencies (the dev
# tools included), written to build/sbom.cdx.json.
sbom: $(VENV)/.dev-installed $(TOOLS)/.installed
	mkdir -p build
	$(TOOLS)/bin/cyclonedx-py environment --pyproject pyproject.toml --mc-type application \
		--output-reproducible --of JSON -o build/sbom.cdx.json $(PY)

# Times the rules engine and the compliance page on a large case (20 activities, 2,000
# applicants); prints a table and writes bench/results.json. Then each daily page of the demo,
# served by gunicorn with 2 sync workers, as a ratio to the shared harness's baseline page
# (bench/pages.py, bench/baseline/ratio.sh; needs wrk, installed with apt when root).
# Figures only, nothing asserted.
bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk is missing: apt-get install wrk"
	$(PY) -m bench.run
	$(PY) -m bench.pages

# The portal at 1×, 10× and 100× data (100×: 500 employers, 5,000 positions, 200,000 applicants,
# 20,000 evidence records) on a throwaway PostgreSQL 15 cluster (or PORTAL_BENCH_DATABASE_URL,
# whose public schema it replaces), served by gunicorn and driven by wrk on loopback; prints
# req/s, median and p95 latency and SQL queries per request of four pages, and writes
# bench/scale_results.json. BENCH_SCALE_ARGS passes options (e.g. --scales 1,10 --seconds 5).
bench-scale: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "Please install wrk: sudo apt-get install wrk"; exit 1; }
	$(PY) -m bench.scale $(BENCH_SCALE_ARGS)

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

# Refresh the pinned tool versions (tools-requirements.txt keeps its header comment).
lock-tools:
	rm -rf /tmp/portal-tools-lock && $(PYTHON) -m venv /tmp/portal-tools-lock
	/tmp/portal-tools-lock/bin/pip install --quiet bandit semgrep detect-secrets cyclonedx-bom
	{ grep '^#' tools-requirements.txt; /tmp/portal-tools-lock/bin/pip freeze; } > tools-requirements.new
	mv tools-requirements.new tools-requirements.txt

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache

# The French catalogue (issue 13): extract every marked string from portal/ and templates/,
# merge it into portal/translations/fr_CA/LC_MESSAGES/messages.po (new strings come in
# untranslated, never guessed: no fuzzy matching), and check it. tests/test_catalogue.py fails
# while any string is missing or untranslated.
messages: $(VENV)/.installed  ## extract translatable strings into the template catalogue
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k phrase -k plural_phrase:1,2 --sort-by-file --width 100 \
		--project "LMIA Compliance Portal" -o portal/translations/messages.pot .

catalogue: messages  ## extract, merge into the French catalogue, report what is left to translate
	test -f $(CATALOGUE) || $(VENV)/bin/pybabel init -i portal/translations/messages.pot \
		-d portal/translations -l fr_CA --width 100
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations \
		-l fr_CA --no-fuzzy-matching --width 100 --ignore-obsolete
	msgfmt -c --statistics -o /dev/null $(CATALOGUE)
