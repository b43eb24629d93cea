# cluster-slurm: the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/debug/cluster-slurm
LOCAL_CONFIG := examples/local/cluster-slurm.json

.PHONY: deps build cluster demo test unit-test integration-test test-slurm24 bench browse install clean

# Debian packages the build needs (the test cluster's own packages come with scripts/testcluster).
deps:
	scripts/install-deps

build: deps
	$(SWIFT) build

cluster:
	scripts/testcluster up

# Sets up everything and runs the example NumPy job end to end on the local test cluster.
demo: build cluster
	scripts/demo

unit-test: build
	$(SWIFT) test --skip IntegrationTests

integration-test: build cluster
	CLUSTER_SLURM_REQUIRE_CLUSTER=1 $(SWIFT) test --filter IntegrationTests --no-parallel

# Sets up everything (packages, build, test cluster) and runs every test.
test: build cluster
	scripts/test-all

# The suites that depend most on the scheduler's own behaviour (sbatch's option
# reading, the held-job check, guardrails, the end-to-end flow), against the
# second generation: Slurm 24.11 in a chroot (scripts/testcluster2411).
# (a site-setting test that reconfigures the 22.05 cluster through scripts/testcluster is not for the chroot)
SLURM24_SKIP := slurmCancelsTheRunThatCanNeverStart
SLURM24_SUITES := SbatchCorpusTests|AfterReleaseGuardrailTests|FaultsBetweenCallsTests|CrashSafetyTests|AdversarialGuardrailTests|GuardrailTests|WorkloadFlowTests|ReusedJobIdTests|SweepIntegrationTests
test-slurm24: build
	scripts/testcluster2411 up
	env $$(scripts/testcluster2411 env) CLUSTER_SLURM_REQUIRE_CLUSTER=1 $(SWIFT) test --filter '$(SLURM24_SUITES)' --skip '$(SLURM24_SKIP)' --no-parallel; \
	  status=$$?; scripts/testcluster2411 down; exit $$status

# Benchmarks on the local test cluster (release build); they report, they never fail.
bench: deps cluster
	$(SWIFT) build -c release --static-swift-stdlib
	python3 bench/run.py
	python3 bench/readme_table.py

# Serves the workspace's ledger read-only in Datasette on 127.0.0.1:8001 (BROWSE_PORT), with
# the reporting views first and canned queries (datasette/metadata.yml).
browse: build
	scripts/browse

# Installs the binary, its man page (generated from the same help text by
# swift-argument-parser's generate-manual plugin) and bash/zsh/fish completions
# under PREFIX (default /usr/local; CONFIG=debug installs the debug build instead of a static release build).
# The manual is the same text in any build; it is generated from the debug build, the one tests already made.
PREFIX ?= /usr/local
CONFIG ?= release
# release binaries carry the Swift runtime and Foundation (static): a faster start, nothing to install beside them
BUILD_FLAGS = $(if $(filter release,$(CONFIG)),--static-swift-stdlib)
MANUAL := .build/plugins/GenerateManual/outputs/cluster-slurm/cluster-slurm.1
install: deps
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)
	$(SWIFT) package --disable-sandbox plugin generate-manual --configuration debug >/dev/null
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/$(CONFIG)/cluster-slurm .build/$(CONFIG)/cluster-slurm-mcp $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MANUAL) $(DESTDIR)$(PREFIX)/share/man/man1/cluster-slurm.1
	.build/$(CONFIG)/cluster-slurm --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cluster-slurm
	.build/$(CONFIG)/cluster-slurm --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_cluster-slurm
	.build/$(CONFIG)/cluster-slurm --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/cluster-slurm.fish

clean:
	rm -rf .build
