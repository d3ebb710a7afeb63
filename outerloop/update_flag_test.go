package outerloop_test

// `go test ./... -update` passes -update to every test binary, and one that
// does not know the flag fails: this package has no golden files, but
// accepts it (see internal/golden).
import _ "github.com/nanobots-dev/nanobots/internal/golden"
