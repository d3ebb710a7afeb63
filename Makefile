# The two commands of the README, and what they stand on.
.PHONY: try test schemas build

# try: watch the offline GitHub simulator answer a real Projects v2 query
# through nanobots' own client layer.
try: schemas
	go run ./cmd/nanobots sim --tour

# test: every check CI runs. The schemas are fetched first: the tests fail,
# never skip, without them.
test: schemas
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go test ./...

schemas:
	./scripts/fetch-schemas.sh

build:
	go build -o bin/nanobots ./cmd/nanobots
