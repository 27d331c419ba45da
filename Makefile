# SwanWatch — the targets the README and CI use.
GO        ?= go
TESTFLAGS ?= -race -count=1 -timeout 15m

.PHONY: test test-short bench lint fuzz build demo

## test: install the real peers if missing, then run every test with the race detector
test:
	./scripts/install-peers.sh
	$(GO) test $(TESTFLAGS) ./...

## test-short: the tests without -race (quicker while editing)
test-short:
	$(GO) test -count=1 ./...

## bench: the benchmarks named in the issues, a short run each
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s -benchmem ./...

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## fuzz: a short run of every fuzz target (FUZZTIME per target)
FUZZTIME ?= 10s
fuzz:
	./scripts/fuzz-all.sh $(FUZZTIME)

build:
	$(GO) build -o bin/ ./cmd/...

demo:
	$(GO) run ./cmd/swanwatch demo
