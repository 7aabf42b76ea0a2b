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
	@echo "make demo: the lander descent and rover drive arrive with the missions work."
	@echo "Until then this runs what exists: the flight core under both executives."
	$(SWIFT) build --product regolith
	$$($(SWIFT) build --show-bin-path)/regolith dict export --summary
	$$($(SWIFT) build --show-bin-path)/regolith run --executive lockstep --seconds 60
	$$($(SWIFT) build --show-bin-path)/regolith run --executive realtime --seconds 3

clean:
	rm -rf .build $(VENV)

# Wire formats: fuzzing. Each decoder's libFuzzer target runs for FUZZ_SECONDS (one at a time:
# the machine is shared). FUZZ_FLAGS adds libFuzzer options, e.g. FUZZ_FLAGS=-runs=10000000.
# Corpora live in .build-fuzz/corpus/<target> (git-ignored) and grow across runs.
# FUZZ_ASAN=1 adds AddressSanitizer (a separate build in .build-fuzz-asan, same corpora).
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_TARGETS := SpacePacket TCFrame TMFrame COBSDeframer ISOTP
FUZZ_ASAN ?=
# (With two sanitizers swiftc drops libFuzzer's coverage instrumentation: ask for it explicitly.)
FUZZ_COVERAGE := -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
FUZZ_BUILD := $(if $(FUZZ_ASAN),--sanitize=fuzzer --sanitize=address $(FUZZ_COVERAGE) --scratch-path .build-fuzz-asan,--sanitize=fuzzer --scratch-path .build-fuzz)
FUZZ_BIN := $(if $(FUZZ_ASAN),.build-fuzz-asan,.build-fuzz)/release

fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  $(SWIFT) build -c release $(FUZZ_BUILD) --product Fuzz$$t || exit 1; \
	  mkdir -p .build-fuzz/corpus/$$t; \
	  echo "make fuzz: Fuzz$$t for $(FUZZ_SECONDS)s"; \
	  SWIFT_BACKTRACE=enable=no $(FUZZ_BIN)/Fuzz$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(FUZZ_FLAGS) .build-fuzz/corpus/$$t 2>&1 | grep -E "^Done|number_of_executed_units|ERROR|SUMMARY|crash-" ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || { echo "make fuzz: Fuzz$$t failed"; exit 1; }; \
	done

# Wire formats: benchmarks live in the nested package Benchmarks/ (its own .build there).
bench:
	cd Benchmarks && $(SWIFT) package benchmark --no-progress
