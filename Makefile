# The two commands a fresh machine needs (see README.md).
PYTHON ?= python3
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL

.PHONY: install install-test run test browser

install:
	$(PYTHON) -m pip install -q -e .

install-test:
	$(PYTHON) -m pip install -q -e ".[test]"

# Debian's Chromium drives the real-browser UI test (Playwright's own browser download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Install, then start the API and the UI on SQLite with the deterministic grader and demo accounts.
run: install
	HEDGEHOG_ENV=development hedgehog demo

# Install, then run every test: unit, API on SQLite and PostgreSQL, LLM grader over HTTP, UI, the eval gate.
test: install-test browser
	$(PYTHON) -m pytest
