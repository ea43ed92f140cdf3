# One entry point for humans and CI. `make test` is the test command: it
# installs the real SIP peers (Kamailio, SIPp) if missing, so the
# integration tests run instead of skipping.

GO        ?= go
FUZZTIME  ?= 10s
# A skipped integration test is a failure in CI (internal/testpeers.Require);
# `make test` always means "run everything".
export CI ?= 1

.PHONY: all build test deps vet fuzz

all: build

build:
	$(GO) build -o sipprobe ./cmd/sipprobe

deps:
	./scripts/install-test-deps.sh

vet:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -count=1 -timeout 20m ./...

# Every Fuzz* target in the repo, FUZZTIME each. go test -fuzz takes one
# target in one package per run, so list them first.
fuzz:
	@set -e; \
	for file in $$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' .); do \
		dir=$$(dirname "$$file"); \
		for name in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$file" | cut -d' ' -f2); do \
			echo "== $$dir $$name"; \
			$(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) "./$$dir"; \
		done; \
	done
