package golden

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryTestBinaryAcceptsUpdate lists every test binary of the module
// and checks that it links this package: one that does not fails
// `go test ./... -update` with "flag provided but not defined".
func TestEveryTestBinaryAcceptsUpdate(t *testing.T) {
	const self = "github.com/nanobots-dev/nanobots/internal/golden"
	cmd := exec.Command("go", "list", "-test", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	binaries := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		if !strings.HasSuffix(pkg, ".test") || strings.TrimSuffix(pkg, ".test") == self {
			continue
		}
		binaries++
		if !strings.Contains(" "+deps+" ", " "+self+" ") {
			t.Errorf("%s does not link %s: add a blank import of it to one of its test files", strings.TrimSuffix(pkg, ".test"), self)
		}
	}
	if binaries < 10 {
		t.Errorf("go list found %d test binaries; want every package with tests", binaries)
	}
}

func TestFileWritesWhatItCompares(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "x.golden")
	*update = true
	File(t, p, []byte("one\n"))
	*update = false
	File(t, p, []byte("one\n"))
	ft := &fakeT{TB: t}
	File(ft, p, []byte("two\n"))
	if !ft.failed {
		t.Errorf("File accepted %q against a golden file holding %q", "two\n", "one\n")
	}
}

func TestTreeReplacesTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "want")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stale"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"a/b.txt": "b", ".github/c.yml": "c"}
	*update = true
	Tree(t, dir, got)
	*update = false
	Tree(t, dir, got)
	ft := &fakeT{TB: t}
	Tree(ft, dir, map[string]string{"a/b.txt": "b"})
	if !ft.failed {
		t.Errorf("Tree accepted a tree missing .github/c.yml")
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }
func (f *fakeT) Fatal(...any)          { f.failed = true }
