package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// NewSuffix is appended to a file's path to write a new rendering beside a
// file that update may not overwrite. GitHub reads neither workflows nor
// issue forms with this suffix, so the file is inert until a person acts.
const NewSuffix = ".nanobots-new"

// Action is what happens to one file.
type Action string

const (
	Create   Action = "create"   // absent: written
	Replace  Action = "replace"  // engine-owned, untouched, rendering changed
	Merge    Action = "merge"    // edited by a person, merged with the new rendering
	Insert   Action = "insert"   // a block added to a file that had none
	Beside   Action = "beside"   // may not be overwritten: new rendering written beside it
	Remove   Action = "remove"   // retired by this version, untouched
	Keep     Action = "keep"     // left as it is, and that is worth saying
	Same     Action = "same"     // already what this version renders
	Conflict Action = "conflict" // needs a person; nothing could be written
	Pending  Action = "pending"  // a FILE.nanobots-new from an earlier run waits for a person
)

// Change is one file's outcome.
type Change struct {
	Path   string // slash-separated, relative to the repository root
	Owner  Owner
	Action Action
	Why    string // one sentence, for the person reading the report
	// Drift is true when the file is out of date or edited by hand: what
	// `update --check` fails on.
	Drift bool

	target   string // the path written (Path, or Path+NewSuffix); "" writes nothing
	old, new []byte // content of target before and after; new nil removes it
}

// NeedsPerson reports whether c leaves work for a person: a rendering
// written beside a file, markers to fix, or such work left from before.
func (c Change) NeedsPerson() bool {
	return c.Action == Beside || c.Action == Conflict || c.Action == Pending
}

// Writes reports whether carrying out c changes a file.
func (c Change) Writes() bool { return c.target != "" && !bytes.Equal(c.old, c.new) }

// Target is the path c writes or removes, or "" when it writes nothing.
func (c Change) Target() string {
	if !c.Writes() {
		return ""
	}
	return c.target
}

// Diff returns what c would change, as a unified diff ("" when nothing).
func (c Change) Diff() (string, error) {
	if !c.Writes() {
		return "", nil
	}
	return unifiedDiff(c.target, c.old, c.new)
}

// Outcome is what init or update did, or would do: every file considered, in order.
type Outcome struct {
	Changes []Change
	DryRun  bool
}

// Drifted returns the changes `update --check` reports.
func (r Outcome) Drifted() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Drift {
			out = append(out, c)
		}
	}
	return out
}

// Written counts the files changed (or, in a dry run, that would be).
func (r Outcome) Written() int {
	n := 0
	for _, c := range r.Changes {
		if c.Writes() {
			n++
		}
	}
	return n
}

// Quiet reports whether c is routine enough to leave out of a short report:
// a file already up to date, or a repo-owned file left alone.
func (c Change) Quiet() bool {
	return !c.Writes() && !c.Drift && (c.Action == Same || c.Action == Keep)
}

// Print writes one line per file: action, path and why. With all false it
// leaves out quiet changes and counts them in a last line instead.
func (r Outcome) Print(w io.Writer, all bool) error {
	quiet := 0
	for _, c := range r.Changes {
		if !all && c.Quiet() {
			quiet++
			continue
		}
		path := c.Path
		if t := c.Target(); t != "" && t != c.Path {
			path = c.Path + " -> " + t
		}
		if _, err := fmt.Fprintf(w, "%-8s %s: %s\n", c.Action, path, c.Why); err != nil {
			return err
		}
	}
	if quiet > 0 {
		if _, err := fmt.Fprintf(w, "%d more up to date, or repo-owned and left alone\n", quiet); err != nil {
			return err
		}
	}
	return nil
}

// PrintDiff writes the unified diff of every change that writes.
func (r Outcome) PrintDiff(w io.Writer) error {
	for _, c := range r.Changes {
		d, err := c.Diff()
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, d); err != nil {
			return err
		}
	}
	return nil
}

// apply writes every change under root.
func apply(root string, changes []Change) error {
	for _, c := range changes {
		if !c.Writes() {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(c.target))
		// Writing through a link could change a file outside the repository.
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: nanobots does not write through links; replace it with a file", c.target)
		}
		if c.new == nil {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", c.target, err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", c.target, err)
		}
		if err := os.WriteFile(p, c.new, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", c.target, err)
		}
	}
	return nil
}

// readFile returns the content at rel under root, or nil when it is absent.
func readFile(root, rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// beside is the change that writes the new rendering next to a file that may
// not be overwritten.
func beside(root string, c Change, content []byte, why string) (Change, error) {
	c.Action, c.Why, c.Drift = Beside, why, true
	c.target = c.Path + NewSuffix
	old, err := readFile(root, c.target)
	if err != nil {
		return c, err
	}
	c.old, c.new = old, content
	if bytes.Equal(old, content) {
		c.Why += " (" + c.target + " is already there)"
	}
	return c, nil
}

// besideAdvice tells a person what to do with a FILE.nanobots-new.
func besideAdvice(path string) string {
	return fmt.Sprintf("merge what you want from %s%s into %s and delete %s%s, or delete %s and run \"nanobots update\" to take the new version whole",
		path, NewSuffix, path, path, NewSuffix, path)
}
