# Arauto — the two commands that matter: `make run` and `make test`.
# Both set up what they need on a fresh machine of this kind.

SHELL := /bin/bash
BIN   := bin/arauto
GO    ?= go
export PLAYWRIGHT_DRIVER_PATH ?= $(CURDIR)/.cache/playwright-driver
# One build-tag set everywhere, so go-sqlite3 compiles once.
export GOFLAGS ?= -buildvcs=false

.PHONY: run build generate test vet staticcheck templ-check unit unit-pg fuzz e2e e2e-setup bench docker clean

# staticcheck is built once into .cache/bin at this pinned version.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(CURDIR)/.cache/bin/staticcheck-$(STATICCHECK_VERSION)

## run: build and start the console on http://127.0.0.1:8080 (sandbox provider, SQLite in ./data)
run: build
	@mkdir -p data
	ARAUTO_DATA=$${ARAUTO_DATA:-./data} ARAUTO_PROVIDER=$${ARAUTO_PROVIDER:-sandbox} ./$(BIN)

## build: compile the single binary
build:
	$(GO) build -o $(BIN) .

## generate: regenerate templ components (the *_templ.go files are committed)
generate:
	$(GO) tool templ generate

## test: vet, staticcheck, templ freshness, unit tests, the store suite again on PostgreSQL, a short fuzz of the parsers of outside input and the e2e journeys in Chromium
test: e2e-setup vet staticcheck templ-check unit unit-pg fuzz e2e

vet:
	$(GO) vet ./...

## staticcheck: the linter, built once (cached in .cache/bin)
staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

$(STATICCHECK):
	@mkdir -p $(dir $@)
	GOBIN=$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(dir $@)staticcheck $@

# Fails when `templ generate` would change a committed *_templ.go file.
templ-check:
	@before=$$(find . -name '*_templ.go' -not -path './.cache/*' -exec sha256sum {} + | sort); \
	$(GO) tool templ generate >/dev/null; \
	after=$$(find . -name '*_templ.go' -not -path './.cache/*' -exec sha256sum {} + | sort); \
	if [ "$$before" != "$$after" ]; then echo "templ generate changed generated files: run 'make generate' and commit them" >&2; exit 1; fi; \
	echo "templ: generated files are up to date"

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

## unit-pg: the store suite and the sign-in/import/send/live-report journeys on PostgreSQL, in a throwaway
## cluster (installs Debian's postgresql when missing, as root)
PG_JOURNEYS := TestFirstRunSetupCreatesAdmin|TestCampaignSendNowCompletesLive|TestReportFollowsSandboxLive
unit-pg: e2e-setup
	./scripts/pg-throwaway bash -c '$(GO) test -count=1 ./store/... && $(GO) test -count=1 -run "^($(PG_JOURNEYS))$$" ./e2e/'

# Each parser of outside input is fuzzed for FUZZTIME (its committed corpus
# under testdata/fuzz runs in `unit` too); a failure leaves the input there.
# A bare "context deadline exceeded" with no input written is the Go fuzzing
# coordinator racing its own -fuzztime deadline on a loaded machine: that
# target runs once more, and fails the build only if it fails again.
FUZZTIME ?= 4s
FUZZ_TARGETS := \
	internal/wavy:FuzzWebhookPayloads internal/wavy:FuzzParsers internal/wavy:FuzzStatusFastPath \
	internal/recipient:FuzzSniff internal/recipient:FuzzInspectText internal/recipient:FuzzXLSXSheet \
	internal/message:FuzzPlaceholders internal/message:FuzzCompileRender \
	internal/smpp:FuzzUnmarshal internal/smpp:FuzzDeliverSMText internal/batchfile:FuzzReaders \
	internal/delivery:FuzzClassifyAndParse

## fuzz: fuzz each parser of outside input briefly (FUZZTIME each)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz: $$name ($$pkg, $(FUZZTIME))"; \
		out=$$($(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg/ 2>&1) || { \
			if echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input written'; then \
				echo "fuzz: $$name stopped on the Go fuzzing coordinator's race at the -fuzztime deadline (no input found): once more"; \
				out=$$($(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg/ 2>&1) || { echo "$$out"; exit 1; }; \
			else echo "$$out"; exit 1; fi; }; \
	done

e2e: e2e-setup
	$(GO) test -count=1 -timeout 20m ./e2e/

## e2e-setup: install Chromium (Debian) and the Playwright driver (npm), idempotently
e2e-setup:
	@./scripts/e2e-setup.sh

## bench: realistic figures first — a 1M-recipient campaign driven through the console's forms
## (shuffled numbers from every DDD, a dozen accented columns, ~5% bad rows), console and simulator
## as separate processes with webhooks on, to the last applied report; then its exports, searches
## and database size; the webhook endpoint against a trivial handler — then the package benchmarks.
## BENCH_BASE=<git ref> runs the realistic one with that commit's build too, side by side ("before").
## Benchmarks marked "lower bound" use sequential numbers, which flatter SQLite.
BENCH_BASE ?=
bench:
	@base=""; if [ -n "$(BENCH_BASE)" ]; then base=$$(./scripts/bench-base.sh "$(BENCH_BASE)"); fi; \
	ARAUTO_BENCH_BASE_BINARY=$$base $(GO) test -run '^$$' -bench 'RealisticCampaign1M' -benchtime 1x -timeout 90m ./e2e/
	$(GO) test -run '^$$' -bench 'WebhookIngest|WebhookThroughput|DeadReceiver' -benchtime 1x ./web/
	$(GO) test -run '^$$' -bench 'ShortLinkRedirects' -benchtime 1x ./e2e/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x ./internal/recipient/ ./internal/sandbox/
	$(GO) test -run '^$$' -bench . -benchmem ./internal/sms/ ./internal/wavy/
	$(GO) test -run '^$$' -bench 'IntoStore' -benchtime 1x ./store/
	$(GO) test -run '^$$' -bench 'ImportCSV1MWithContacts' -benchtime 1x ./store/
	$(GO) test -run '^$$' -bench 'ContactBook1M' -benchtime 1x ./store/
	@echo "lower bounds (sequential numbers):"
	$(GO) test -run '^$$' -bench 'Dispatch1M' -benchtime 1x ./internal/dispatch/wavysender/
	$(GO) test -run '^$$' -bench 'SFTPCampaign100k' -benchtime 1x ./internal/dispatch/sftpsender/
	$(GO) test -run '^$$' -bench 'WholeCampaign1M' -benchtime 1x .
	$(GO) test -run '^$$' -bench 'Campaign1MSeparateProcesses|SMPPCampaign4Binds|SFTPCampaign100kIntegrated|TransactionalSend500' -benchtime 1x ./e2e/
	$(GO) test -run '^$$' -bench 'Deliver20k' -benchtime 1x ./internal/outhook/

## docker: build the container image (needs a Docker engine)
docker:
	docker build -t arauto .

clean:
	rm -rf bin e2e/screenshots
