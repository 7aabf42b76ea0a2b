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
# The demo's plots are SVG; rsvg-convert renders each as a PNG beside it (the tests check it).
DEMO_DEBS := librsvg2-bin
TEST_DEBS := socat can-utils $(DEMO_DEBS)

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

test: test-deps vm-deps venv
	$(SWIFT) build
	$(MAKE) --no-print-directory test-swift
	$(MAKE) --no-print-directory test-peers
	$(MAKE) --no-print-directory campaign
	$(MAKE) --no-print-directory test-vm

# The lander's scenario tests write their fault coverage to FAULT_COVERAGE, the rover's to
# ROVER_FAULT_COVERAGE; every monitor and response of Boards/lander-faults.yaml and of
# Boards/rover-faults.yaml must have fired in some test (issue 7).
FAULT_COVERAGE = .build/fault-coverage.txt
ROVER_FAULT_COVERAGE = .build/rover-fault-coverage.txt
test-swift:
	rm -f $(FAULT_COVERAGE) $(ROVER_FAULT_COVERAGE)
	REGOLITH_FAULT_COVERAGE=$(CURDIR)/$(FAULT_COVERAGE) REGOLITH_ROVER_FAULT_COVERAGE=$(CURDIR)/$(ROVER_FAULT_COVERAGE) \
	  $(SWIFT) test --parallel
	@test -s $(FAULT_COVERAGE) || { echo "make: no fault coverage written ($(FAULT_COVERAGE))"; exit 1; }
	@if tail -n 1 $(FAULT_COVERAGE) | grep -q '^every monitor and response fired at least once$$'; then \
	  echo "make: fault coverage: every monitor and response of the lander's table fired in a test"; \
	else echo "make: fault coverage incomplete:"; cat $(FAULT_COVERAGE); exit 1; fi
	@test -s $(ROVER_FAULT_COVERAGE) || { echo "make: no rover fault coverage written ($(ROVER_FAULT_COVERAGE))"; exit 1; }
	@if tail -n 1 $(ROVER_FAULT_COVERAGE) | grep -q '^every monitor and response fired at least once$$'; then \
	  echo "make: rover fault coverage: every monitor and response of the rover's table fired in a test"; \
	else echo "make: rover fault coverage incomplete:"; cat $(ROVER_FAULT_COVERAGE); exit 1; fi

test-peers:
	REGOLITH_BIN=$$($(SWIFT) build --show-bin-path)/regolith $(VENV)/bin/python -m pytest -q Tests/peers

# The demo: the lander descent, then the rover drive, on the default board (everything
# in-process, lockstep), each with its live line, final report (also JSON) and plots in
# $(DEMO_OUT)/. Built in release: a full descent takes ~1.5 s there, ~16 s in debug.
# `regolith mission` exits 1 when a landing is outside the touchdown envelope, 2 when a
# mission cannot run.
DEMO_OUT ?= demo-output
DEMO_BIN = $$($(SWIFT) build -c release --show-bin-path)/regolith

demo: deps
	$(call apt_ensure,$(DEMO_DEBS))
	$(SWIFT) build -c release --product regolith
	@mkdir -p $(DEMO_OUT)
	@echo "make demo: regolith mission lander-descent --board Boards/sim.yaml (Chang'e-class lander, seed 1)"
	@$(DEMO_BIN) mission lander-descent --board Boards/sim.yaml --seed 1 \
	  --report $(DEMO_OUT)/lander-descent.json --plots $(DEMO_OUT)/lander-descent
	@echo "make demo: regolith mission rover-drive --board Boards/sim.yaml"
	@$(DEMO_BIN) mission rover-drive --board Boards/sim.yaml --seed 1 \
	  --report $(DEMO_OUT)/rover-drive.json --plots $(DEMO_OUT)/rover-drive
	@echo "make demo: reports and plots in $(DEMO_OUT)/"

# Issue 9's seed campaign: the lander descent for seeds 1-20 on Boards/sim.yaml (release build),
# one JSON report each in $(DEMO_OUT)/campaign/, and a count of the seeds that pass: inside the
# touchdown envelope (regolith mission exits 0 inside it, 1 outside) and every other check of
# the report passed too (PDI to touchdown 700-800 s, delta-v 1.9-2.3 km/s: no FAIL line).
# Part of `make test` (about a minute: 20 full descents in release; the release build is the
# one test-vm uses).
CAMPAIGN_SEEDS ?= $(shell seq 1 20)
# How many must land inside the envelope for the campaign to pass (default, and in `make
# test`: all).
CAMPAIGN_MIN_INSIDE ?= $(words $(CAMPAIGN_SEEDS))
.PHONY: campaign
campaign: deps
	$(SWIFT) build -c release --product regolith
	@mkdir -p $(DEMO_OUT)/campaign
	@inside=0; outside=""; for s in $(CAMPAIGN_SEEDS); do \
	  if $(DEMO_BIN) mission lander-descent --board Boards/sim.yaml --seed $$s --quiet \
	       --report $(DEMO_OUT)/campaign/seed-$$s.json > $(DEMO_OUT)/campaign/seed-$$s.txt 2>&1 \
	     && ! grep -q ' FAIL$$' $(DEMO_OUT)/campaign/seed-$$s.txt; \
	  then inside=$$((inside + 1)); else outside="$$outside $$s"; fi; done; \
	  echo "make campaign: $$inside of $(words $(CAMPAIGN_SEEDS)) seeds landed inside the touchdown envelope, in 700-800 s, with 1.9-2.3 km/s"; \
	  if [ -n "$$outside" ]; then echo "make campaign: outside:$$outside (reports in $(DEMO_OUT)/campaign/)"; fi; \
	  if [ $$inside -lt $(CAMPAIGN_MIN_INSIDE) ]; then echo "make campaign: fewer than $(CAMPAIGN_MIN_INSIDE) inside"; exit 1; fi

clean:
	rm -rf .build $(VENV)

# ---------------------------------------------------------------------------------------
# Test VM harness (Tests/vm/, docs/testing-vm.md) — the real Linux CAN stack and a real
# 16550A UART for tests. The host kernel has no AF_CAN, so tests boot Debian's stock kernel
# (linux-image-amd64) with virtme-ng (pinned in Tests/peers/requirements.txt) under QEMU/TCG.
#   make vm-deps   install what the VM needs (Debian packages, only when missing)
#   make test-vm   boot once, run the smoke suite Tests/vm/smoke.sh inside, print timings
# Not part of `make test` yet: the integrator wires it in.
# ---------------------------------------------------------------------------------------
# qemu-system-x86 runs the VM; linux-image-amd64 is the guest kernel and its modules (vcan,
# can-raw, can-isotp, slcan, can-gw); virtme-ng needs busybox-static for its initramfs, kmod
# (depmod, modprobe) and uses udev when present (it comes with the kernel anyway); the
# smoke suite uses can-utils, socat and iproute2 inside the guest.
VM_DEBS := qemu-system-x86 linux-image-amd64 busybox-static kmod udev iproute2 can-utils socat

.PHONY: vm-deps test-vm

vm-deps:
	$(call apt_ensure,$(VM_DEBS))
	@k=$$(Tests/vm/vm-run --show-kernel) && echo "make: test VM kernel $$k (host runs $$(uname -r))"

test-vm: vm-deps venv
	$(SWIFT) build --build-tests   # guest.d scripts run host-built test binaries too
	$(SWIFT) build -c release --product regolith   # the real-time landing over vcan (guest.d/70) needs it under TCG
	REGOLITH_BIN=$$($(SWIFT) build --show-bin-path)/regolith \
	  REGOLITH_RELEASE_BIN=$$($(SWIFT) build -c release --show-bin-path)/regolith Tests/vm/test-vm.sh

# ---------------------------------------------------------------------------
# Benchmarks: the nested package Benchmarks/ (ordo-one/benchmark, MallocInterposer trait;
# no jemalloc needed). The main package's build and tests never build it.
#   make bench         build in release and run every benchmark (figures: docs/performance.md)
#   make bench-check   run them (not the lateness ones, ~2 min) and check allocation counts
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

# Wire formats: fuzzing. Each decoder's libFuzzer target runs for FUZZ_SECONDS (one at a time:
# the machine is shared). FUZZ_FLAGS adds libFuzzer options, e.g. FUZZ_FLAGS=-runs=10000000.
# (SequenceParser is the sequence language's target; a target folder's *.dict is passed as -dict.)
# Corpora live in .build-fuzz/corpus/<target> (git-ignored) and grow across runs.
# FUZZ_ASAN=1 adds AddressSanitizer (a separate build in .build-fuzz-asan, same corpora).
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_TARGETS := SpacePacket TCFrame TMFrame COBSDeframer ISOTP SLCAN DeviceDecoder GroundUplink SequenceParser
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
	  dict=$$(ls Tests/Fuzz/$$t/*.dict 2>/dev/null | head -1); \
	  SWIFT_BACKTRACE=enable=no $(FUZZ_BIN)/Fuzz$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $${dict:+-dict=$$dict} $(FUZZ_FLAGS) .build-fuzz/corpus/$$t 2>&1 | grep -E "^Done|number_of_executed_units|ERROR|SUMMARY|crash-" ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || { echo "make fuzz: Fuzz$$t failed"; exit 1; }; \
	done
