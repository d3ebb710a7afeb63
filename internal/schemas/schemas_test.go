package schemas

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindsFetchedSchemas(t *testing.T) {
	for _, get := range []func() (string, error){GraphQLPath, OpenAPIPath} {
		p, err := get()
		if err != nil {
			t.Fatalf("%v (run scripts/fetch-schemas.sh)", err)
		}
		if st, err := os.Stat(p); err != nil || st.Size() < 1<<20 {
			t.Errorf("%s: %v, size %d; want GitHub's published file", p, err, st.Size())
		}
	}
}

func TestMissingSchemasSayHowToFetch(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	_, err := GraphQLPath()
	if !errors.Is(err, ErrMissing) {
		t.Fatalf("err = %v, want ErrMissing", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, GraphQLFile), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, OpenAPIFile), []byte("x"), 0o644)
	t.Setenv(EnvDir, dir)
	if p, err := OpenAPIPath(); err != nil || p != filepath.Join(dir, OpenAPIFile) {
		t.Errorf("OpenAPIPath = %q, %v; want the file under %s", p, err, EnvDir)
	}
}
