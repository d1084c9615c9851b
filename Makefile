# iSAGE developer entry points. `make demo` and `make test` install what they need first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
APT_PACKAGES := qgis python3-qgis qgis-providers

.PHONY: install system-packages test demo lint clean

install: $(STAMP)

# Debian packages (QGIS for the plugin and its tests); skipped when already present.
system-packages:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "Installing Debian packages: $(APT_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

$(STAMP): pyproject.toml constraints.txt | system-packages
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PIP) install -q -c constraints.txt torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# QGIS runs headless in the tests (pytest-qgis); the platform must be set before Qt starts.
test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

demo: install
	$(VENV)/bin/isage demo --out demo_workspace

lint: install
	$(PY) -m ruff check isage_core tests
	$(PY) -m ruff format --check isage_core tests

clean:
	rm -rf $(VENV) demo_workspace build *.egg-info
