package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The policy files, by their path in the repository.
const (
	Dir         = ".nanobots"
	ConfigFile  = Dir + "/config.json"
	TriageFile  = Dir + "/TRIAGE.md"
	RecipesFile = Dir + "/RECIPES.md"
	PromptsDir  = Dir + "/prompts"
)

// Policy is everything a repository tells its outer loop: the files under
// .nanobots/, parsed and checked against each other.
type Policy struct {
	Config  Config
	Rubric  Rubric
	Recipes Recipes
	// Prompts are the files .nanobots/prompts/NAME.md, by NAME. Every name
	// in LoopPrompts is there when Read succeeds.
	Prompts map[string]*Prompt
}

// Read reads the policy of the repository whose work tree is fsys (for a
// checkout, os.DirFS of its root; for a test, files in memory):
// .nanobots/config.json, TRIAGE.md, RECIPES.md and every prompts/*.md. It
// checks each file, then the files against each other (every kind's recipe
// is a section of RECIPES.md, every area's priority and size is a row of
// its table, the field table names the fields the loop reads, the labels
// are distinct), and reports every problem it finds, joined with
// errors.Join, each as "path:line:col: what is wrong, and how to fix it"
// with the path as the maintainer sees it (".nanobots/TRIAGE.md:12:3: …").
//
// It always returns a Policy. When the error is not nil, the Policy holds
// what could be read (a file that failed leaves its field zero), so the
// caller can still say what is wrong, for example in the status issue; it
// must not act on it.
func Read(fsys fs.FS) (*Policy, error) {
	p := &Policy{Prompts: map[string]*Prompt{}}
	if fi, err := fs.Stat(fsys, Dir); errors.Is(err, fs.ErrNotExist) {
		return p, fmt.Errorf("%s: missing: run \"nanobots init\" to write the policy files", Dir)
	} else if err == nil && !fi.IsDir() {
		return p, fmt.Errorf("%s: not a directory: move the file away and run \"nanobots init\"", Dir)
	}
	var errs []error
	read := func(rel, restore string) ([]byte, bool) {
		src, err := fs.ReadFile(fsys, rel)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("%s: missing: run %q to write it again", rel, restore))
			return nil, false
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", rel, unwrapPath(err)))
			return nil, false
		}
		return src, true
	}

	if src, ok := read(ConfigFile, "nanobots init"); ok {
		// Parse validates too, reporting each invalid value at its key.
		c, err := Parse(ConfigFile, src)
		errs = append(errs, err)
		p.Config = c
	}
	rubricOK := false
	if src, ok := read(TriageFile, "nanobots init"); ok {
		r, err := ReadRubric(TriageFile, src)
		if err != nil {
			errs = append(errs, err)
		} else {
			errs = append(errs, CheckRubric(r, TriageFile))
			p.Rubric, rubricOK = r, true
		}
	}
	if src, ok := read(RecipesFile, "nanobots init"); ok {
		rec, err := ReadRecipes(RecipesFile, src)
		if err != nil {
			errs = append(errs, err)
		} else {
			p.Recipes = rec
			if rubricOK {
				errs = append(errs, CheckRecipes(p.Rubric, rec, TriageFile))
			}
		}
	}
	names, err := promptNames(fsys)
	if err != nil {
		errs = append(errs, err)
	}
	for _, name := range names {
		rel := path.Join(PromptsDir, name+".md")
		src, ok := read(rel, "nanobots update")
		if !ok {
			continue
		}
		pr, err := ReadPrompt(rel, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.Prompts[name] = pr
	}
	return p, errors.Join(errs...)
}

// promptNames lists the prompts to read: those the loop needs, whether or
// not they exist (a missing one is reported when it is read), then any other
// .md file in the prompts folder, sorted.
func promptNames(fsys fs.FS) ([]string, error) {
	names := append([]string(nil), LoopPrompts...)
	entries, err := fs.ReadDir(fsys, PromptsDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return names, fmt.Errorf("%s: %w", PromptsDir, unwrapPath(err))
	}
	var extra []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok || e.IsDir() || name == "" || contains(names, name) {
			continue
		}
		extra = append(extra, name)
	}
	sort.Strings(extra)
	return append(names, extra...), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// unwrapPath drops the absolute path a *fs.PathError carries: the message
// names the file by its path in the repository instead.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
