# SwanWatch — the targets the README and CI use.
GO        ?= go
# Go 1.27.3, which the go command fetches from the module proxy by itself: the
# machines' Go 1.26.8 has known vulnerabilities in net/http, crypto/tls,
# crypto/x509 and html/template that SwanWatch's code reaches (make vulncheck).
# The module still builds with Go 1.26 for anyone who sets GOTOOLCHAIN=local.
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN
TESTFLAGS ?= -race -count=1 -timeout 15m

.PHONY: test test-short bench lint vulncheck fuzz build demo

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

## vulncheck: govulncheck, failing when the code calls a known-vulnerable function
vulncheck:
	./scripts/vulncheck.sh

## fuzz: a short run of every fuzz target (FUZZTIME per target)
FUZZTIME ?= 10s
fuzz:
	./scripts/fuzz-all.sh $(FUZZTIME)

build:
	$(GO) build -o bin/ ./cmd/...

demo:
	$(GO) run ./cmd/swanwatch demo
