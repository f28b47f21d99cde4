# Two commands for a fresh machine: `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
PYBABEL := $(VENV)/bin/pybabel
STAMP := $(VENV)/.installed
LANGS := es zh_Hans vi tl ar ht fr pt_BR ko ru uk

.PHONY: run test console check lint i18n i18n-check schema bench e2e clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: on Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the offline console chat.
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(PY) -m bot run; else $(PY) -m bot console; fi

console: $(STAMP)
	$(PY) -m bot console

## make test: lint, types, content and catalog checks, the whole pytest suite, quick benchmarks.
test: $(STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m mypy
	$(PY) -m bot check --strict
	$(PY) -m pytest -q
	$(PY) bench/run.py --quick

check: $(STAMP)
	$(PY) -m bot check

lint: $(STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m mypy

## make i18n: extract UI strings from bot/ and update every catalog.
i18n: $(STAMP)
	$(PYBABEL) extract -F pyproject.toml -o locales/messages.pot --no-location --sort-output --project kyr-bot .
	@for l in $(LANGS); do \
	  if [ -f locales/$$l/LC_MESSAGES/messages.po ]; then \
	    $(PYBABEL) update -i locales/messages.pot -d locales -l $$l --no-fuzzy-matching --ignore-obsolete; \
	  else $(PYBABEL) init -i locales/messages.pot -d locales -l $$l; fi; done

schema: $(STAMP)
	$(PY) -m bot schema

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
