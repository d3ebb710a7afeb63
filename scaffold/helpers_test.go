package scaffold

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	goldenfiles "github.com/nanobots-dev/nanobots/internal/golden"
)

// gitEnv makes commits reproducible, so commit ids in golden output are
// stable, and keeps the tester's own git configuration out of the tests.
var gitEnv = []string{
	"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_AUTHOR_DATE=2026-01-02T03:04:05Z",
	"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
	"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull,
}

func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), gitEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newRepo returns an empty git work tree.
func newRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	return dir
}

func commitAll(t testing.TB, dir, msg string) {
	t.Helper()
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
}

func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readString(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in a file, as a person would: the marker stays.
func edit(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	s := readString(t, dir, rel)
	if !strings.Contains(s, old) {
		t.Fatalf("edit %s: %q not found", rel, old)
	}
	writeFile(t, dir, rel, strings.Replace(s, old, new, 1))
}

// age turns an engine-owned file into what an older nanobots (v0.0.9) would
// have rendered: its body with old replaced by new, stamped as untouched.
func age(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	s := readString(t, dir, rel)
	style, _ := styleFor(rel)
	if b, ok, err := findBlock([]byte(s)); ok && err == nil {
		body := string(b.body)
		if !strings.Contains(body, old) {
			t.Fatalf("age %s: %q not in its block", rel, old)
		}
		body = strings.Replace(body, old, new, 1)
		out := s[:b.start] + string(blockLines(style, "v0.0.9", hashBody([]byte(body)), []byte(body))) + s[b.end:]
		writeFile(t, dir, rel, out)
		return
	}
	_, body, ok := splitFile([]byte(s))
	if !ok {
		t.Fatalf("age %s: no marker", rel)
	}
	if !strings.Contains(string(body), old) {
		t.Fatalf("age %s: %q not found", rel, old)
	}
	nb := []byte(strings.Replace(string(body), old, new, 1))
	writeFile(t, dir, rel, string(stampFile(style, "v0.0.9", hashBody(nb), nb)))
}

// tree reads every file under dir except .git, by slash path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfiles.File(t, filepath.Join("testdata", filepath.FromSlash(name)), []byte(got))
}

// goldenTree compares the work tree dir with testdata/<name>/want, or
// rewrites that directory with -update.
func goldenTree(t *testing.T, name, dir string) {
	t.Helper()
	goldenfiles.Tree(t, filepath.Join("testdata", name, "want"), tree(t, dir))
}
