package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/templates"
)

// Values is everything a rendering depends on. The same Values always render
// the same bytes, so a hash recorded at init can be recomputed at update.
type Values struct {
	Config  policy.Config
	Rubric  policy.Rubric
	Version string // the nanobots version that renders, recorded in markers
	// Commit is the commit the rendering nanobots was built from, or "".
	Commit string
	// ActionRef, when set, is the ref of the nanobots action the outer
	// workflow runs, given by a maintainer in place of Commit.
	ActionRef string
}

// data is what templates see.
type data struct {
	Values
	// Engine is the nanobots action step that installs the binary the
	// outer workflow runs: exactly the nanobots that rendered it.
	Engine      EngineAction
	BoardURL    string
	EngineFiles []string
	Kind        string // set by withKind for the issue form being rendered
}

var (
	parseOnce sync.Once
	parsed    *template.Template
	parseErr  error
)

// parse parses every template once. missingkey=error turns a misspelt key
// into an error instead of "<no value>" in a maintainer's workflow.
func parse() (*template.Template, error) {
	parseOnce.Do(func() {
		parsed = template.New("").
			Delims("[[", "]]").
			Option("missingkey=error").
			Funcs(template.FuncMap{
				"pin":  pinned,
				"json": toJSON,
				// yaml renders a YAML double-quoted scalar: JSON strings are.
				"yaml":     toJSON,
				"yamlList": func(s ...string) (string, error) { return toJSON(s) },
				"expr":     exprString,
				"join":     strings.Join,
				"withKind": func(d data, kind string) data { d.Kind = kind; return d },

				"triggerRegexp": TriggerRegexp,
				"commenters":    commenters,
			})
		// Each file is named by its path below files/ (ParseFS would name
		// them by base name, and two may share one).
		parseErr = parseByPath(parsed)
	})
	return parsed, parseErr
}

// parseByPath adds every template file under its path below files/.
func parseByPath(t *template.Template) error {
	for _, e := range manifestAll() {
		src, err := templates.FS.ReadFile("files/" + e)
		if err != nil {
			return err
		}
		if _, err := t.New(e).Parse(string(src)); err != nil {
			return fmt.Errorf("parse template %q: %w", e, err)
		}
	}
	return nil
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// exprString renders s as a GitHub Actions expression string literal.
func exprString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// rendered is one file (or block) as the current templates render it.
type rendered struct {
	entry
	style commentStyle
	body  []byte // without marker
}

// content is what the file holds when untouched: marker and body for an
// engine file, the block with its markers for a block, the body otherwise.
func (r rendered) content(version string) []byte {
	switch r.owner {
	case Engine:
		return stampFile(r.style, version, r.hash(), r.body)
	case Block:
		return blockLines(r.style, version, r.hash(), r.body)
	}
	return r.body
}

// hash is what a marker records for this rendering.
func (r rendered) hash() string { return hashBody(r.body) }

// render renders every template with v.
func render(v Values) ([]rendered, error) {
	t, err := parse()
	if err != nil {
		return nil, err
	}
	d := data{Values: v, EngineFiles: engineFiles()}
	if d.Engine, err = engineAction(v); err != nil {
		return nil, err
	}
	kind := "orgs"
	if v.Config.Project.OwnerType == "user" {
		kind = "users"
	}
	d.BoardURL = fmt.Sprintf("https://github.com/%s/%s/projects/%d", kind, v.Config.Project.Owner, v.Config.Project.Number)
	var out []rendered
	for _, e := range manifest() {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, e.tmpl, d); err != nil {
			return nil, fmt.Errorf("render %s: %w", e.path, err)
		}
		r := rendered{entry: e, body: buf.Bytes()}
		if e.owner != Repo {
			s, ok := styleFor(e.path)
			if !ok {
				return nil, fmt.Errorf("render %s: an engine-owned file needs a type with comments for its marker", e.path)
			}
			r.style = s
		}
		if len(r.body) > 0 && r.body[len(r.body)-1] != '\n' {
			r.body = append(r.body, '\n')
		}
		out = append(out, r)
	}
	return out, nil
}
