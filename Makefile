# The two commands of the README, and what they stand on.
.PHONY: try test bench schemas build

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

build:
	go build -o bin/nanobots ./cmd/nanobots
