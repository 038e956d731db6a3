# Two commands on a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := mash/core/static/govuk/application.css

.PHONY: demo test test-fast test-postgres browser lint setup assets env clean bench security bandit audit

demo: setup
	$(BIN)/mash demo

test: setup
	$(BIN)/pytest -q -m "not browser"
	$(BIN)/pytest -q -m browser

test-fast: setup
	$(BIN)/pytest -q -m "not browser" -x

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mash} $(BIN)/pytest -q -m "not browser"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mash config
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

# Static security checks and the dependency audit (docs/security.md). The audit needs the
# network: offline it exits 3 and says "DEPENDENCY AUDIT NOT DONE", never a pass.
security: bandit audit

bandit: setup
	$(BIN)/bandit -c pyproject.toml -r mash config -q

audit: setup
	$(BIN)/python scripts/audit_dependencies.py

setup: $(STAMP) $(ASSETS) .env

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || (echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(ASSETS): package.json package-lock.json mash/core/static_src/application.scss
	npm ci --no-audit --no-fund
	npm run build

# A local .env with a fresh random secret: never committed (see .gitignore).
.env:
	@printf 'MASH_ENVIRONMENT=local\nDJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env for local use (MASH_ENVIRONMENT=local)."

bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) node_modules mash/core/static/govuk static_build db.sqlite3*
