package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nanobots-dev/nanobots/policy"
)

// ConfigPath and TriagePath are where a repository keeps the values its
// engine-owned files are rendered from.
const (
	ConfigPath = ".nanobots/config.json"
	TriagePath = ".nanobots/TRIAGE.md"
)

// InitOptions are the inputs of Init.
type InitOptions struct {
	Dir     string        // the root of a git work tree
	Config  policy.Config // the values to render; validated here
	Version string        // the nanobots version recorded in markers
	// Commit is the commit this nanobots was built from (40 hex digits,
	// or "" when the build does not know it), and ActionRef a ref of the
	// nanobots action a maintainer asked for instead: the outer workflow
	// runs the action at one of them (see Values).
	Commit    string
	ActionRef string
	DryRun    bool // plan and report; write nothing
}

// UpdateOptions are the inputs of Update.
type UpdateOptions struct {
	Dir       string
	Version   string
	Commit    string // as in InitOptions
	ActionRef string // as in InitOptions
	DryRun    bool   // plan and report; write nothing (also what --check uses)
}

// LoadConfig reads the repository's config.json. exists is false, with no
// error, when there is none yet.
func LoadConfig(dir string) (c policy.Config, exists bool, err error) {
	p := filepath.Join(dir, filepath.FromSlash(ConfigPath))
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return policy.Config{}, false, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return policy.Config{}, true, fmt.Errorf("read config: %w", err)
	}
	c, err = policy.Parse(p, data)
	return c, true, err
}

// Init writes every file the two loops need that is not there yet. It never
// changes a file that exists: an engine-owned file that exists is left for
// Update, a repo-owned one is the repository's, and a file at an engine-owned
// path without a marker gets the rendering written beside it. Running it
// twice changes nothing.
func Init(opts InitOptions) (Outcome, error) {
	if err := opts.Config.Validate(); err != nil {
		return Outcome{}, err
	}
	return run(opts.Dir, engine{opts.Version, opts.Commit, opts.ActionRef}, opts.DryRun, modeInit, func(string) (policy.Config, error) {
		return opts.Config, nil
	})
}

// Update brings the engine-owned files to this version, rendered from the
// repository's own config.json and TRIAGE.md. An untouched file is replaced;
// a file a person edited is merged three ways with the rendering its marker
// records, found in git history, or, when there is no such base or the merge
// conflicts, left as it is with the new rendering written beside it. Files
// this version no longer renders are removed when untouched. Repo-owned files
// are written only when absent.
func Update(opts UpdateOptions) (Outcome, error) {
	return run(opts.Dir, engine{opts.Version, opts.Commit, opts.ActionRef}, opts.DryRun, modeUpdate, func(root string) (policy.Config, error) {
		c, exists, err := LoadConfig(root)
		if err != nil {
			return c, err
		}
		if !exists {
			return c, fmt.Errorf("%s does not exist: run \"nanobots init\" first", ConfigPath)
		}
		return c, nil
	})
}

type mode int

const (
	modeInit mode = iota
	modeUpdate
)

// engine is the nanobots that renders: see InitOptions.
type engine struct{ version, commit, actionRef string }

func run(dir string, e engine, dryRun bool, m mode, config func(root string) (policy.Config, error)) (Outcome, error) {
	version := e.version
	if version == "" {
		return Outcome{}, errors.New("no nanobots version to record in markers")
	}
	repo, err := openRepo(dir)
	if err != nil {
		return Outcome{}, err
	}
	cfg, err := config(repo.root)
	if err != nil {
		return Outcome{}, err
	}
	rubric, err := loadRubric(repo.root)
	if err != nil {
		return Outcome{}, err
	}
	files, err := render(Values{Config: cfg, Rubric: rubric, Version: version, Commit: e.commit, ActionRef: e.actionRef})
	if err != nil {
		return Outcome{}, err
	}
	p := planner{repo: repo, version: version, mode: m}
	var res Outcome
	res.DryRun = dryRun
	for _, f := range files {
		c, err := p.plan(f)
		if err != nil {
			return Outcome{}, fmt.Errorf("%s: %w", f.path, err)
		}
		res.Changes = append(res.Changes, c)
	}
	if m == modeUpdate {
		retired, err := p.retired(files)
		if err != nil {
			return Outcome{}, err
		}
		res.Changes = append(res.Changes, retired...)
	}
	pending, err := p.pending(res.Changes)
	if err != nil {
		return Outcome{}, err
	}
	res.Changes = append(res.Changes, pending...)
	if !dryRun {
		if err := apply(repo.root, res.Changes); err != nil {
			return res, err
		}
	}
	return res, nil
}

// loadRubric reads the areas, kinds and sizes the issue forms offer from the
// repository's TRIAGE.md, so forms and rubric agree even after a maintainer
// changes the rubric; a repository without one gets the default.
func loadRubric(root string) (policy.Rubric, error) {
	b, err := readFile(root, TriagePath)
	if err != nil || b == nil {
		return policy.DefaultRubric(), err
	}
	return policy.ReadRubric(TriagePath, b)
}

type planner struct {
	repo    gitRepo
	version string
	mode    mode
}

// absentWhy says why a file that does not exist yet is written.
var absentWhy = map[Owner]string{
	Repo:   "repo-owned, absent: written once; nanobots never changes it again",
	Engine: "engine-owned, absent: written",
	Block:  "absent: created holding only the nanobots block; the rest of the file is yours",
}

func (p planner) plan(r rendered) (Change, error) {
	c := Change{Path: r.path, Owner: r.owner}
	cur, err := readFile(p.repo.root, r.path)
	if err != nil {
		return c, err
	}
	if cur == nil {
		c.Action, c.Drift, c.target, c.new = Create, true, r.path, r.content(p.version)
		c.Why = absentWhy[r.owner]
		return c, nil
	}
	switch r.owner {
	case Repo:
		c.Action, c.Why = Keep, "repo-owned: yours, never overwritten"
		return c, nil
	case Block:
		return p.planBlock(c, r, cur)
	}
	return p.planEngine(c, r, cur)
}

// planEngine plans a file that exists.
func (p planner) planEngine(c Change, r rendered, cur []byte) (Change, error) {
	want := r.content(p.version)
	m, body, ok := splitFile(cur)
	if !ok {
		return beside(p.repo.root, c, want, fmt.Sprintf(
			"exists without a %s marker, so it is not nanobots's to change: left as is, the rendering is written beside it; %s",
			MarkerTag, besideAdvice(r.path)))
	}
	untouched := m.untouched(body)
	if untouched && bytes.Equal(body, r.body) {
		c.Action, c.Why = Same, "engine-owned: up to date"
		return c, nil
	}
	if p.mode == modeInit {
		c.Action, c.Drift = Keep, true
		c.Why = "engine-owned, exists and differs from this version: \"nanobots update\" brings it up to date"
		return c, nil
	}
	c.target, c.old, c.Drift = r.path, cur, true
	if untouched {
		c.Action, c.new = Replace, want
		c.Why = fmt.Sprintf("untouched since nanobots %s rendered it: replaced by the %s rendering", m.version, p.version)
		return c, nil
	}
	if bytes.Equal(body, r.body) {
		c.Action, c.new = Replace, want
		c.Why = fmt.Sprintf("edited by hand to match the %s rendering exactly: marker updated", p.version)
		return c, nil
	}
	base, err := p.findBase(r, m, func(content []byte) ([]byte, bool) {
		_, b, ok := splitFile(content)
		return b, ok
	})
	if err != nil {
		return c, err
	}
	if base == nil {
		return beside(p.repo.root, c, want, fmt.Sprintf(
			"edited by hand, and the rendering it started from (nanobots %s, sha256 %s) is in neither git history nor this version, so the edit cannot be merged safely: left as is; %s",
			m.version, m.hash[:12], besideAdvice(r.path)))
	}
	merged, clean, err := mergeFile(body, base.content, r.body, p.version)
	if err != nil {
		return c, err
	}
	if !clean {
		return beside(p.repo.root, c, want, fmt.Sprintf(
			"edited by hand, and your edit and the %s rendering change the same lines: left as is; %s",
			p.version, besideAdvice(r.path)))
	}
	if bytes.Equal(merged, body) && m.hash == r.hash() {
		c.Action, c.target, c.old = Keep, "", nil
		c.Why = "edited by hand: your edit is kept, and this version has nothing new for it"
		return c, nil
	}
	c.Action, c.new = Merge, stampFile(r.style, p.version, r.hash(), merged)
	c.Why = fmt.Sprintf("edited by hand: your edit is merged with the %s rendering (base: %s)", p.version, base.where)
	return c, nil
}

// planBlock plans a file that exists.
func (p planner) planBlock(c Change, r rendered, cur []byte) (Change, error) {
	want := r.content(p.version)
	b, ok, err := findBlock(cur)
	if err != nil {
		c.Action, c.Drift = Conflict, true
		c.Why = fmt.Sprintf("%v: fix the markers by hand, or delete the begin marker line and run \"nanobots update\" to insert a fresh block", err)
		return c, nil
	}
	c.target, c.old, c.Drift = r.path, cur, true
	if !ok {
		c.new, err = withBlock(cur, want)
		c.Action, c.Why = Insert, "has no nanobots block: block appended, the rest of the file untouched"
		return c, err
	}
	untouched := b.untouched(b.body)
	if untouched && bytes.Equal(normalize(b.body), r.body) {
		c.Action, c.Why, c.Drift, c.target, c.old = Same, "nanobots block up to date", false, "", nil
		return c, nil
	}
	if p.mode == modeInit {
		c.Action, c.target, c.old = Keep, "", nil
		c.Why = "the nanobots block differs from this version: \"nanobots update\" brings it up to date"
		return c, nil
	}
	if untouched || bytes.Equal(normalize(b.body), r.body) {
		c.new, err = withBlock(cur, want)
		c.Action = Replace
		c.Why = fmt.Sprintf("nanobots block untouched since nanobots %s rendered it: replaced by the %s rendering; the rest of the file untouched", b.version, p.version)
		return c, err
	}
	base, err := p.findBase(r, b.marker, func(content []byte) ([]byte, bool) {
		hb, ok, err := findBlock(content)
		return hb.body, ok && err == nil
	})
	if err != nil {
		return c, err
	}
	besideContent := func() []byte {
		out, _ := withBlock(cur, want) // cur's block was found above, so this cannot fail
		return out
	}
	if base == nil {
		return beside(p.repo.root, c, besideContent(), fmt.Sprintf(
			"nanobots block edited by hand, and the rendering it started from (nanobots %s, sha256 %s) is in neither git history nor this version: left as is; %s",
			b.version, b.hash[:12], besideAdvice(r.path)))
	}
	merged, clean, err := mergeFile(b.body, base.content, r.body, p.version)
	if err != nil {
		return c, err
	}
	if !clean {
		return beside(p.repo.root, c, besideContent(), fmt.Sprintf(
			"nanobots block edited by hand, and your edit and the %s rendering change the same lines: left as is; %s",
			p.version, besideAdvice(r.path)))
	}
	if bytes.Equal(merged, normalize(b.body)) && b.hash == r.hash() {
		c.Action, c.target, c.old = Keep, "", nil
		c.Why = "nanobots block edited by hand: your edit is kept, and this version has nothing new for it"
		return c, nil
	}
	c.new, err = withBlock(cur, blockLines(r.style, p.version, r.hash(), merged))
	c.Action = Merge
	c.Why = fmt.Sprintf("nanobots block edited by hand: your edit is merged with the %s rendering (base: %s)", p.version, base.where)
	return c, err
}

// findBase returns the rendering a marker records, for a three-way merge:
// this version's own rendering when the hash is its, else the newest earlier
// content of the path (staged, then committed) whose engine-owned part hashes
// to it. nil means there is none, and the edit cannot be merged safely.
func (p planner) findBase(r rendered, m marker, extract func([]byte) ([]byte, bool)) (*version, error) {
	if r.hash() == m.hash {
		return &version{where: "this version's own rendering", content: r.body}, nil
	}
	hist, err := p.repo.history(r.path)
	if err != nil {
		return nil, err
	}
	for _, v := range hist {
		body, ok := extract(v.content)
		if ok && hashBody(body) == m.hash {
			return &version{where: "the nanobots " + m.version + " rendering in " + v.where, content: normalize(body)}, nil
		}
	}
	return nil, nil
}

// markedDirs are where engine-owned files live, and so where files a later
// version retired are looked for.
var markedDirs = []string{".github", ".nanobots"}

// retired finds engine-owned files this version no longer renders: files under
// markedDirs that carry a file marker but are not in the manifest.
func (p planner) retired(files []rendered) ([]Change, error) {
	current := map[string]bool{}
	for _, f := range files {
		current[f.path] = true
	}
	var out []Change
	err := p.walk(func(rel string) error {
		if current[rel] || strings.HasSuffix(rel, NewSuffix) {
			return nil
		}
		cur, err := readFile(p.repo.root, rel)
		if err != nil {
			return err
		}
		m, body, ok := splitFile(cur)
		if !ok {
			return nil
		}
		c := Change{Path: rel, Owner: Engine, Drift: true}
		if m.untouched(body) {
			c.Action, c.target, c.old = Remove, rel, cur
			c.Why = fmt.Sprintf("retired: nanobots %s no longer renders it, and it is untouched since %s rendered it: removed", p.version, m.version)
		} else {
			c.Action = Keep
			c.Why = fmt.Sprintf("retired: nanobots %s no longer renders it, but it was edited by hand: left as is; delete it when you no longer need it", p.version)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// pending reports FILE.nanobots-new files left by an earlier run that this
// run does not rewrite: each waits for a person.
func (p planner) pending(changes []Change) ([]Change, error) {
	written := map[string]bool{}
	for _, c := range changes {
		if c.target != "" {
			written[c.target] = true
		}
	}
	var out []Change
	check := func(rel string) {
		if strings.HasSuffix(rel, NewSuffix) && !written[rel] {
			orig := strings.TrimSuffix(rel, NewSuffix)
			out = append(out, Change{Path: rel, Owner: Engine, Action: Pending, Drift: true,
				Why: "left by an earlier run, waiting for you: " + besideAdvice(orig)})
		}
	}
	if err := p.walk(func(rel string) error { check(rel); return nil }); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(p.repo.root)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			check(e.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// walk calls fn with the slash path of every regular file under markedDirs.
func (p planner) walk(fn func(rel string) error) error {
	for _, d := range markedDirs {
		root := filepath.Join(p.repo.root, d)
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && path == root {
				return fs.SkipDir
			}
			if err != nil || !e.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(p.repo.root, path)
			if err != nil {
				return err
			}
			return fn(filepath.ToSlash(rel))
		})
		if err != nil {
			return err
		}
	}
	return nil
}
