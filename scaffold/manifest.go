package scaffold

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nanobots-dev/nanobots/templates"
)

// Owner says who owns a rendered file, and so what init and update may do
// with it.
type Owner int

const (
	// Engine files carry an ownership marker and are re-rendered by update;
	// a person's edit is merged, never silently overwritten.
	Engine Owner = iota
	// Repo files are the repository's: written once when absent, never again.
	// Their drift from the templates is what the repository learned.
	Repo
	// Block is a repo-owned file with one engine-owned block inside it,
	// between begin and end markers; update manages only the block.
	Block
)

func (o Owner) String() string {
	switch o {
	case Engine:
		return "engine-owned"
	case Repo:
		return "repo-owned"
	default:
		return "engine-owned block"
	}
}

// repoOwned and blocks list the exceptions; every other template renders an
// engine-owned file. A test pins the full list so adding a template is a
// deliberate choice of owner.
var (
	repoOwned = map[string]bool{
		".nanobots/config.json":  true,
		".nanobots/TRIAGE.md":    true,
		".nanobots/RECIPES.md":   true,
		".nanobots/LEARNINGS.md": true,
	}
	blocks = map[string]bool{
		"CLAUDE.md":      true,
		".gitattributes": true,
	}
)

// entry is one file the templates render.
type entry struct {
	path  string // slash-separated, relative to the repository root
	tmpl  string // template name: the path under templates/files
	owner Owner
}

// manifest lists every rendered file, sorted by path. Templates whose name
// starts with "_" hold shared definitions and render no file of their own.
func manifest() []entry {
	var out []entry
	err := fs.WalkDir(templates.FS, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") || strings.HasPrefix(path.Base(p), "_") {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		rel := strings.TrimSuffix(name, ".tmpl")
		owner := Engine
		switch {
		case repoOwned[rel]:
			owner = Repo
		case blocks[rel]:
			owner = Block
		}
		out = append(out, entry{path: rel, tmpl: name, owner: owner})
		return nil
	})
	if err != nil {
		panic("scaffold: embedded templates unreadable: " + err.Error())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// engineFiles lists the paths of whole engine-owned files, for .gitattributes.
func engineFiles() []string {
	var out []string
	for _, e := range manifest() {
		if e.owner == Engine {
			out = append(out, e.path)
		}
	}
	return out
}

// manifestAll lists every template file, partials included, by its name
// below files/.
func manifestAll() []string {
	var out []string
	_ = fs.WalkDir(templates.FS, "files", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tmpl") {
			out = append(out, strings.TrimPrefix(p, "files/"))
		}
		return err
	})
	sort.Strings(out)
	return out
}
