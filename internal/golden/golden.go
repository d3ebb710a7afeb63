// Package golden compares test output with files under testdata/, or
// rewrites them when the tests run with -update:
//
//	go test ./... -update
//
// It registers the -update flag when a test binary starts. The go command
// passes -update to every test binary it builds, and a binary that does not
// know a flag fails, so every package with tests links this package: those
// with golden files through File and Tree, the others with a blank import.
// TestEveryTestBinaryAcceptsUpdate checks that none is missed. It is for
// tests only; no program may import it.
package golden

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the tests produce")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// File compares got with the file at path, or, with -update, writes got
// there (creating its directory).
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got; run go test -update if the change is meant):\n%s", path, diff)
	}
}

// Tree compares got, a map from slash-separated paths to contents, with the
// files under dir, or, with -update, replaces dir with exactly those files.
func Tree(t testing.TB, dir string, got map[string]string) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for rel, content := range got {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	want, err := ReadTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got; run go test -update if the change is meant):\n%s", dir, diff)
	}
}

// ReadTree reads every file under dir into a map from slash-separated
// paths, relative to dir, to contents.
func ReadTree(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	return out, err
}
