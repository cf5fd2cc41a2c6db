# Сот кабинеті — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO ?= 1
# HOST and PORT reach the settings too: PORTAL_BASE_URL and ENFORCEMENT_API_URL follow them.
export DATA_DIR DEMO HOST PORT
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libmagic1 gettext
# Browser tests only (make e2e): Debian's Chromium, driven by Playwright for Python.
E2E_APT_PACKAGES := chromium fonts-dejavu-core

# Install the Debian packages of $(1) that are missing (apt only when needed; sudo when not root).
define apt_ensure
@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "Installing Debian packages:$$missing"; \
  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
fi
endef

.PHONY: install run test lint format e2e worker beat web clean check-deploy access-matrix api-docs

$(VENV)/.installed: pyproject.toml
	$(call apt_ensure,$(APT_PACKAGES))
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/ncalayer-js-client/ncalayer-client.js static/vendor/ncalayer-client.js
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	touch $@

# Translations (kk default, ru, en): the .mo files are built here, never committed.
locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/django.po)
	@command -v msgfmt >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext; }
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
	touch $@

install: $(VENV)/.installed static/vendor/.installed locale/.compiled

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m sotkabinet.devserver --host $(HOST) --port $(PORT)

# The browser suite (tests/e2e, marker e2e) runs in `make e2e`, not here.
test: install
	$(VENV)/bin/pytest -q -p no:cacheprovider -n 2 --dist loadgroup -m "not e2e"

# The authorisation matrix (tests/access_matrix.py) as a table, written into README.md.
access-matrix: install
	$(PY) -m tests.access_matrix --write

# The REST reference docs/api.md, generated from the OpenAPI schema (sotkabinet/apidocs.py).
api-docs: install
	$(PY) -m sotkabinet.apidocs --write

# Style, models without a migration, and a stale docs/api.md all fail here.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m sotkabinet.apidocs --check

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	SECRET_KEY=$$(openssl rand -hex 32) ENFORCEMENT_API_TOKEN=$$(openssl rand -hex 32) \
	  PAYMENT_GATEWAY_SECRET=$$(openssl rand -hex 32) DEMO=0 \
	  ALLOWED_HOSTS=sot.example.kz DJANGO_SETTINGS_MODULE=sotkabinet.settings.production \
	  $(PY) manage.py check --deploy --fail-level WARNING

# End-to-end tests in headless Chromium (tests/e2e). Screenshots go to artifacts/screenshots/.
e2e: install
	$(call apt_ensure,$(E2E_APT_PACKAGES))
	mkdir -p artifacts/screenshots
	$(VENV)/bin/pytest -q -p no:cacheprovider -m e2e tests/e2e

clean:
	rm -rf $(VENV) var static/vendor locale/.compiled locale/*/LC_MESSAGES/*.mo
