# Two commands for a fresh machine: `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
PYBABEL := $(VENV)/bin/pybabel
STAMP := $(VENV)/.installed
LANGS = $(shell $(PY) -m bot langs --catalog-dirs)  # from content/languages.yaml, when used

.PHONY: run test console check lint audit i18n schema bench clean system-deps

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: on Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the offline console chat.
## `bot run` restarts itself with an allocator that overwrites freed memory (bot/memory.py).
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(PY) -m bot run; else $(PY) -m bot console; fi

console: $(STAMP)
	$(PY) -m bot console

## make system-deps: Debian packages the tests need (headless Chromium for the static site test,
## nginx in front of the webhook replicas test, fonts and FriBiDi for the flyers and the officer
## card, espeak-ng and opus-tools for the voice notes).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends nginx; }
	@MISSING=$$(for p in fonts-dejavu-core fonts-wqy-microhei fonts-lohit-deva fonts-freefont-ttf \
	    fonts-sil-abyssinica libfribidi0 espeak-ng opus-tools; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	[ -z "$$MISSING" ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends $$MISSING; }

## make test: lint, types, content and catalog checks, the whole pytest suite, quick benchmarks.
test: $(STAMP) system-deps
	$(PY) -m ruff check bot tests bench tools
	$(PY) -m mypy
	$(PY) -m bot check --strict
	$(PY) -m pytest -q
	$(PY) bench/run.py --quick

check: $(STAMP)
	$(PY) -m bot check

lint: $(STAMP)
	$(PY) -m ruff check bot tests bench tools
	$(PY) -m mypy

## make audit: known vulnerabilities in the installed packages (pip-audit, via tools/audit.py).
## Not in `make test`: from CI's network PyPI answers 404 for the per-release JSON pip-audit reads
## and OSV does not resolve, so pip-audit would audit nothing; tools/audit.py fails and says why.
audit: $(STAMP)
	$(PY) tools/audit.py

## make i18n: extract UI strings from bot/ and update the catalog of every offered language.
i18n: $(STAMP)
	@test -n "$(LANGS)" || { echo "make i18n: content/languages.yaml did not load"; exit 1; }
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
