# Two commands: `make run` (install, migrate, load the demo once, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-test translations messages lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(MAKE) --no-print-directory translations

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(MAKE) --no-print-directory translations

# Compile the message catalogues (pb/translations/*/LC_MESSAGES/messages.po -> .mo, not committed).
translations:
	$(BIN)/pybabel compile -d pb/translations --statistics 2>&1 | grep -v '^compiling' || true
	@test -f pb/translations/ur/LC_MESSAGES/messages.mo

# After changing user-facing strings: re-extract them and merge them into every catalogue; then
# translate the new entries (tests/i18n/test_catalogues.py fails until every language is complete).
messages:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file -o pb/translations/messages.pot .
	$(BIN)/pybabel update -i pb/translations/messages.pot -d pb/translations --no-fuzzy-matching --width 100

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask pb demo
	@echo ""
	@echo "  Serving on http://127.0.0.1:$(PORT)"
	@echo "  Demo logins (password: demo): citizen@demo.test councillor@demo.test officer@demo.test auditor@demo.test admin@demo.test newcomer@demo.test clerk@demo.test officer2@demo.test"
	@echo ""
	@echo "  E-mail is delivered to this terminal and shown at /dev/mail (sign in as admin)."
	@echo ""
	PB_OUTBOX_WORKER=embedded $(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

test: install-test
	./scripts/install-test-system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install-test
	$(BIN)/python bench/allocation.py

clean:
	rm -rf $(VENV) instance *.egg-info .pytest_cache .ruff_cache
