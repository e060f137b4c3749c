# presslens: `make demo` runs the whole job on the bundled demo corpus; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB ?= instance/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo test bench quality browser clean

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "presslens needs $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

demo: install
	./presslens init-db --db $(DEMO_DB)
	./presslens ingest corpus/demo --db $(DEMO_DB)
	./presslens demo-setup --db $(DEMO_DB) --host $(HOST) --port $(PORT)
	./presslens serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider

# Every bench/*.py, each in its own process; each must print JSON (gathered in bench/out/results.json).
bench: install
	$(PY) bench/run_all.py

# Learned-model quality: every bench/quality/eval_*.py, one row per figure (bench/quality/out/quality.md).
quality: install
	$(PY) bench/quality/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis test-artifacts
