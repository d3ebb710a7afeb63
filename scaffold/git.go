package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitRepo is a git work tree, reached through the git binary: it is on every
// machine that runs nanobots, and its merge and diff are the ones people
// already trust.
type gitRepo struct {
	root string
}

// openRepo returns the work tree whose root is dir. It refuses a directory
// that is not a work tree, and a subdirectory of one: the files nanobots
// writes (.github/, .nanobots/) only work at the root.
func openRepo(dir string) (gitRepo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return gitRepo{}, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return gitRepo{}, fmt.Errorf("directory %q: %w", dir, err)
	} else if !fi.IsDir() {
		return gitRepo{}, fmt.Errorf("%q is not a directory", dir)
	}
	out, err := runGit(abs, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		// git's own message adds nothing a user can act on.
		return gitRepo{}, fmt.Errorf("%q is not a git work tree: run \"git init\" there first, or pass the repository's directory", dir)
	}
	top := strings.TrimSpace(string(out))
	same, err := sameDir(abs, top)
	if err != nil {
		return gitRepo{}, err
	}
	if !same {
		return gitRepo{}, fmt.Errorf("%q is inside the git work tree %q, not its root; nanobots writes .github/ and .nanobots/ at the root: pass %q", dir, top, top)
	}
	return gitRepo{root: abs}, nil
}

func sameDir(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(filepath.FromSlash(b))
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// runGit runs git in dir and returns its standard output.
func runGit(dir string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return stdout.Bytes(), fmt.Errorf("git %s: %w", args[0], err)
		}
		return stdout.Bytes(), fmt.Errorf("git %s: %s: %w", args[0], msg, err)
	}
	return stdout.Bytes(), nil
}

// historyLimit bounds how many commits are read looking for a base: enough
// for years of updates, and it keeps update fast in a large repository.
const historyLimit = 500

// version is one earlier content of a path, and where it came from.
type version struct {
	where   string // "the index" or a short commit id
	content []byte
}

// history returns the earlier contents of path: the version in each commit
// that changed it, newest first, then the staged version. A repository
// with no commits has no history, and that is not an error.
func (r gitRepo) history(path string) ([]version, error) {
	var out []version
	seen := map[string]bool{}
	add := func(where string, content []byte) {
		h := hashBody(content)
		if !seen[h] {
			seen[h] = true
			out = append(out, version{where, content})
		}
	}
	if _, err := runGit(r.root, nil, "rev-parse", "--verify", "--quiet", "HEAD"); err == nil {
		log, err := runGit(r.root, nil, "log", "--format=%H", "--no-renames", fmt.Sprintf("--max-count=%d", historyLimit), "HEAD", "--", path)
		if err != nil {
			return nil, err
		}
		for _, c := range strings.Fields(string(log)) {
			b, err := runGit(r.root, nil, "cat-file", "blob", c+":"+path)
			if err != nil {
				continue // the commit deleted the path
			}
			add("commit "+c[:12], b)
		}
	}
	// Staged but not committed (say, init then git add): after the commits,
	// so a version both staged and committed is named by its commit.
	if b, err := runGit(r.root, nil, "cat-file", "blob", ":"+path); err == nil {
		add("the index", b)
	}
	return out, nil
}

// mergeFile merges three versions of a file with `git merge-file`: ours is
// the file as a person left it, base the rendering it started from, theirs
// the new rendering. clean is false when the two changed the same lines.
func mergeFile(ours, base, theirs []byte, newVersion string) (merged []byte, clean bool, err error) {
	dir, err := os.MkdirTemp("", "nanobots-merge-")
	if err != nil {
		return nil, false, err
	}
	defer os.RemoveAll(dir)
	names := []string{"ours", "base", "theirs"}
	for i, b := range [][]byte{ours, base, theirs} {
		if err := os.WriteFile(filepath.Join(dir, names[i]), normalize(b), 0o600); err != nil {
			return nil, false, err
		}
	}
	cmd := exec.Command("git", "merge-file", "-p",
		"-L", "your edit", "-L", "the rendering you edited", "-L", "nanobots "+newVersion,
		"ours", "base", "theirs")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), true, nil
	case errors.As(err, &ee) && ee.ExitCode() > 0 && ee.ExitCode() < 128:
		// The exit code is the number of conflicts.
		return stdout.Bytes(), false, nil
	default:
		return nil, false, fmt.Errorf("git merge-file: %s: %w", strings.TrimSpace(stderr.String()), err)
	}
}

// unifiedDiff returns a unified diff from old to new for path, as git shows
// it; old or new nil means the file is absent on that side.
func unifiedDiff(path string, old, new []byte) (string, error) {
	dir, err := os.MkdirTemp("", "nanobots-diff-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	side := func(name string, b []byte) (string, error) {
		if b == nil {
			return os.DevNull, nil
		}
		p := filepath.Join(dir, name, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return "", err
		}
		return filepath.ToSlash(filepath.Join(name, filepath.FromSlash(path))), os.WriteFile(p, b, 0o600)
	}
	a, err := side("a", old)
	if err != nil {
		return "", err
	}
	b, err := side("b", new)
	if err != nil {
		return "", err
	}
	cmd := exec.Command("git", "-c", "core.quotePath=false", "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-prefix", "--", a, b)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		return "", fmt.Errorf("git diff: %s: %w", strings.TrimSpace(stderr.String()), err)
	}
	// Drop git's "diff --git" and "index" lines; the ---/+++ lines say it all.
	var keep []string
	for _, line := range strings.SplitAfter(stdout.String(), "\n") {
		if strings.HasPrefix(line, "diff --git ") || strings.HasPrefix(line, "index ") ||
			strings.HasPrefix(line, "new file mode") || strings.HasPrefix(line, "deleted file mode") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, ""), nil
}

// CheckWorkTree reports whether dir is the root of a git work tree, with the
// message init and update give when it is not.
func CheckWorkTree(dir string) error {
	_, err := openRepo(dir)
	return err
}

// OriginRepo returns "owner/name" when dir's origin remote is on github.com,
// so init can offer it as the default for --repo.
func OriginRepo(dir string) (string, bool) {
	out, err := runGit(dir, nil, "remote", "get-url", "origin")
	if err != nil {
		return "", false
	}
	u := strings.TrimSpace(string(out))
	for _, prefix := range []string{"https://github.com/", "http://github.com/", "ssh://git@github.com/", "git@github.com:"} {
		if rest, ok := strings.CutPrefix(u, prefix); ok {
			rest = strings.TrimSuffix(strings.TrimSuffix(rest, "/"), ".git")
			if strings.Count(rest, "/") == 1 {
				return rest, true
			}
		}
	}
	return "", false
}
