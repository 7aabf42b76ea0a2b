# Regolith — the two commands of README's Quick start live here.
#   make demo   set up, then run the lander descent and rover drive on the simulated bus
#   make test   set up, then run every test (Swift tests, then the real-peer tests)
# Both install what they need (Debian packages, a pinned Python venv) when it is missing.

SHELL := /bin/bash
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
PYTHON ?= python3
VENV := .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build needs, and those the tests need as real peers.
BUILD_DEBS := pkg-config libserialport-dev libsocketcan-dev
TEST_DEBS := socat can-utils

.PHONY: all build test test-swift test-peers demo deps test-deps venv clean fuzz bench help

all: build

help:
	@echo "make demo   run the main job on the embedded simulated bus"
	@echo "make test   set up and run every test"
	@echo "make fuzz   run each fuzz target for a fixed time"
	@echo "make bench  run the benchmarks (nested package Benchmarks/)"

# Install Debian packages only when missing, and say which ones.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_ensure,$(BUILD_DEBS))

test-deps: deps
	$(call apt_ensure,$(TEST_DEBS))

# A venv under .venv (git-ignored) with every test peer pinned in Tests/peers/requirements.txt.
$(VENV)/.stamp: Tests/peers/requirements.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "make: installing python3-venv"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	@echo "make: creating $(VENV) with pinned test peers"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/peers/requirements.txt
	@touch $@

venv: $(VENV)/.stamp

build: deps
	$(SWIFT) build

test: test-deps venv
	$(SWIFT) build
	$(MAKE) --no-print-directory test-swift
	$(MAKE) --no-print-directory test-peers

test-swift:
	$(SWIFT) test --parallel

test-peers:
	REGOLITH_BIN=$$($(SWIFT) build --show-bin-path)/regolith $(VENV)/bin/python -m pytest -q Tests/peers

demo: deps
	@echo "make demo: the lander descent and rover drive arrive with the missions issue (see README)."
	@echo "Until then the demo prints the flight core's dictionary, which is what exists today:"
	$(SWIFT) build --product regolith
	$$($(SWIFT) build --show-bin-path)/regolith dict export --summary

clean:
	rm -rf .build $(VENV)

# ---------------------------------------------------------------------------
# Benchmarks: the nested package Benchmarks/ (ordo-one/benchmark, MallocInterposer trait;
# no jemalloc needed). The main package's build and tests never build it.
#   make bench         build in release and run every benchmark (figures: docs/performance.md)
#   make bench-check   run them (not the minute-long lateness ones) and check allocation counts
#                      against Benchmarks/Thresholds/ (the only figures gated: they do not jitter)
#   make bench-thresholds   rewrite those thresholds from a run (allocation counts only)
.PHONY: bench-check bench-thresholds

bench:
	cd Benchmarks && $(SWIFT) package benchmark --no-progress

bench-check:
	cd Benchmarks && $(SWIFT) package benchmark thresholds check --skip "Lateness.*" --no-progress

bench-thresholds:
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark thresholds update \
	  --skip "Lateness.*" --metric mallocCountTotal --no-progress
