# The two commands of the README: `make run` (install the package and start the app) and `make test`
# (install everything the tests need, then run the whole suite). Both build .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test check lint player-test bench validate debian-packages clean

run: $(VENV)/.run-deps
	$(BIN)/storymap serve --port $(PORT)

# Two pytest workers (pytest-xdist), a test file to a worker with its own servers: much of a browser
# test's time is Chromium drawing under SwiftShader, so two overlap on two cores (21 -> 13.5 min).
# Three were no faster and starved the timing-sensitive tests.
test: $(VENV)/.test-deps debian-packages lint
	cd player-build && npm test
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The fast loop, no browser and no server: lint (Python and JavaScript), the JavaScript unit tests,
# then every Python test that needs neither (about 4 minutes).
check: $(VENV)/.test-deps lint
	cd player-build && npm test
	$(BIN)/python -m pytest --ignore=tests/browser -q

# ruff over the Python, ESLint over the player's modules.
lint: $(VENV)/.test-deps player-build/node_modules/.installed
	$(BIN)/ruff check .
	cd player-build && npm run -s lint

# The player's JavaScript alone: ESLint and the unit tests over its pure modules.
player-test: player-build/node_modules/.installed
	cd player-build && npm run -s lint && npm test

# The player's build tools (esbuild, ESLint), pinned by player-build/package-lock.json; the bundle
# freshness test (tests/test_player_assets.py) needs them.
player-build/node_modules/.installed: player-build/package.json player-build/package-lock.json
	cd player-build && npm ci --no-audit --no-fund
	touch $@

# Benchmarks: a table on stdout and bench/results.json (ratios against baselines measured in the same run).
bench: $(VENV)/.test-deps debian-packages
	$(BIN)/python bench/run.py

validate: $(VENV)/.run-deps
	$(BIN)/storymap validate

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "storymap needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package itself, editable (the `storymap` command runs this checkout), with the map-data extra
# an author needs to build a story (`storymap build`).
$(VENV)/.run-deps: pyproject.toml requirements.txt requirements-maps.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[maps]'
	touch $@

$(VENV)/.test-deps: pyproject.toml requirements.txt requirements-maps.txt requirements-media.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e '.[maps,media]'
	touch $@ $(VENV)/.run-deps

# Browser tests drive Debian's chromium through Playwright (no browser download); Node.js and npm
# build and test the player (player-build/); a Korean font lets
# the screenshots show the stops' Korean names as readers see them instead of empty boxes; the
# scale-out tests run the deploy/ recipe behind Debian's nginx; ffmpeg (with ffprobe) encodes and checks
# `storymap video`.
debian-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	fc-list :lang=ko 2>/dev/null | grep -q . || missing="$$missing fonts-nanum"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	{ command -v ffmpeg && command -v ffprobe; } >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis player-build/node_modules
