# The two commands of the README, and what they stand on.
.PHONY: try test bench schemas build release-check

# try: watch a whole outer loop run offline, against the GitHub simulator
# and its scripted agent.
try: schemas
	go run ./cmd/nanobots demo

# test: every check CI runs. The schemas are fetched first: the tests fail,
# never skip, without them.
test: schemas
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go test ./...

# bench: what a cycle costs, counted by the simulator, as one table.
bench: schemas
	go test ./outerloop ./scaffold -run '^$$' -bench . -benchtime 5x | go run ./scripts/benchtable

schemas:
	./scripts/fetch-schemas.sh

# build: bin/nanobots, stamped with its version and the commit it was built
# from (`make build VERSION=v1.2.3`; without VERSION it calls itself "dev").
# `nanobots version` prints both; init pins the outer workflow to the commit.
MODULE := $(shell go list -m)
VERSION ?=
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
MODIFIED := $(shell git status --porcelain 2>/dev/null | grep -q . && echo true)
LDFLAGS := -s -w -X $(MODULE)/internal/version.Commit=$(COMMIT) -X $(MODULE)/internal/version.Modified=$(MODIFIED)
ifneq ($(VERSION),)
LDFLAGS += -X $(MODULE)/internal/version.Version=$(VERSION)
endif

build:
	go build -trimpath -buildvcs=true -ldflags "$(LDFLAGS)" -o bin/nanobots ./cmd/nanobots

# release-check: the release configuration (.goreleaser.yaml and the release
# workflow), checked offline; goreleaser itself is not needed.
release-check:
	go test ./internal/release
