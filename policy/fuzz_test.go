package policy

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The fuzz targets check properties every input must keep. Their seeds are
// the f.Add calls below and testdata/fuzz/<target>/, which holds the files
// `nanobots init` writes and every input a fuzzing run once failed on.
//
//	go test ./policy -run '^$' -fuzz '^FuzzParseForm$' -fuzztime 60s

// checkPositions fails unless every line of err is "path:line:col: message"
// with line and col a place in src (col may be one past a line's end).
func checkPositions(t *testing.T, path string, src []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	lines := strings.Split(string(src), "\n")
	for _, msg := range strings.Split(err.Error(), "\n") {
		rest, ok := strings.CutPrefix(msg, path+":")
		if !ok {
			t.Fatalf("error %q does not start with %q", msg, path+":")
		}
		ln, rest, _ := strings.Cut(rest, ":")
		cn, what, _ := strings.Cut(rest, ": ")
		line, err1 := strconv.Atoi(ln)
		col, err2 := strconv.Atoi(cn)
		if err1 != nil || err2 != nil {
			t.Fatalf("error %q: no line:col after the path", msg)
		}
		if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
			t.Fatalf("error %q: %d:%d is not a place in the input (%d lines)", msg, line, col, len(lines))
		}
		if strings.TrimSpace(what) == "" {
			t.Fatalf("error %q says nothing after its position", msg)
		}
	}
}

func FuzzReadRubric(f *testing.F) {
	f.Add([]byte(rubricSrc))
	f.Add([]byte("| area | priority | size | hard gate |\n|---|---|---|---|\n| core | P1 | M | maybe |\n"))
	f.Add([]byte("> | kind | recipe |\n> |---|---|\n> | a | a |\n> | a | b |\n"))
	f.Add([]byte("| field | label | required for ready |\n|-|-|-|\n| `kind` | **Kind** | yes |\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		r, err := ReadRubric("TRIAGE.md", src)
		checkPositions(t, "TRIAGE.md", src, err)
		if err != nil {
			return
		}
		checkPositions(t, "TRIAGE.md", src, CheckRubric(r, "TRIAGE.md"))
		seen := map[string]bool{}
		for _, a := range r.Areas {
			if a.Name == "" || seen[a.Name] {
				t.Fatalf("area %q: empty or repeated", a.Name)
			}
			seen[a.Name] = true
			if !a.Equal(a) || !a.Where().IsValid() {
				t.Fatalf("area %q: not equal to itself, or read nowhere", a.Name)
			}
		}
		if len(r.Areas) == 0 || len(r.Kinds) == 0 || len(r.Sizes) == 0 {
			t.Fatalf("no error, but %d areas, %d kinds and %d sizes", len(r.Areas), len(r.Kinds), len(r.Sizes))
		}
	})
}

func FuzzReadRecipes(f *testing.F) {
	f.Add([]byte(recipesSrc))
	f.Add([]byte("## bug\n\nOne.\n\n## chore\n\nTwo.\n\n## Bug\n\nThree.\n"))
	f.Add([]byte("chore\n-----\nKeep it small.\n\nbug\n===\nNot a recipe.\n"))
	f.Add([]byte("##\n## \n##  ##\n~~~\n## x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rs, err := ReadRecipes("RECIPES.md", src)
		checkPositions(t, "RECIPES.md", src, err)
		if err != nil {
			return
		}
		names := map[string]bool{}
		for _, s := range rs.Sections {
			key := strings.ToLower(s.Name)
			if s.Name == "" || names[key] {
				t.Fatalf("section %q: empty or repeated", s.Name)
			}
			names[key] = true
			if !strings.Contains(string(src), s.Text) || strings.TrimSpace(s.Text) != s.Text {
				t.Fatalf("section %q: text %q is not a trimmed part of the file", s.Name, s.Text)
			}
			got, ok := rs.For(s.Name)
			if !ok || !strings.HasPrefix(got, s.Text) || !strings.HasSuffix(got, rs.Common()) {
				t.Fatalf("For(%q) = %q, %v: want the section, then the common one", s.Name, got, ok)
			}
		}
		checkPositions(t, "TRIAGE.md", []byte("x"), CheckRecipes(DefaultRubric(), rs, "TRIAGE.md"))
	})
}

func FuzzParseForm(f *testing.F) {
	f.Add(featureBody)
	f.Add(bugBody)
	f.Add(choreBody)
	f.Add("### Blocked by\n\n#12, 12, acme/widgets#3, ACME/WIDGETS#4, other/x#5, https://github.com/acme/widgets/issues/6/, #0, #99999999999")
	f.Add("```\n### Kind\n```\n> ### Area\n- ### Problem\n    ### Kind\n<div>\n### Area\n</div>\n")
	f.Add(strings.Repeat(">", 100) + "\n### Area\n\ncore")
	f.Fuzz(func(t *testing.T, body string) {
		r := DefaultRubric()
		form := ParseForm(body, r)
		isForm := false
		for _, ff := range form.Fields {
			if !strings.Contains(body, ff.Label) || !strings.Contains(body, ff.Value) {
				t.Fatalf("field %q = %q: not text of the body", ff.Label, ff.Value)
			}
			if strings.TrimSpace(ff.Value) != ff.Value || strings.TrimSpace(ff.Label) != ff.Label || ff.Value == NoResponse {
				t.Fatalf("field %q = %q: not trimmed, or %s", ff.Label, ff.Value, NoResponse)
			}
			isForm = isForm || ff.ID != ""
		}
		if isForm != form.IsForm {
			t.Fatalf("IsForm = %v with fields %+v", form.IsForm, form.Fields)
		}
		for _, m := range form.Missing(r) {
			if !m.Required {
				t.Fatalf("Missing lists %q, which is not required", m.ID)
			}
		}
		seen := map[int]bool{}
		value := form.Value("blocked_by")
		for _, n := range form.BlockedBy("acme/widgets") {
			if n <= 0 || seen[n] || !strings.Contains(value, strconv.Itoa(n)) {
				t.Fatalf("BlockedBy gives %d from %q: not positive, repeated, or not in the answer", n, value)
			}
			seen[n] = true
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte(`{"wip_limt": 2, "project": {"colour": 1}}`))
	f.Add([]byte(`{"stale_timeout": "3 hours", "maintainers": "ada", "labels": {"inbox": "Summon-Human", "summon_human": "summon-human"}}`))
	f.Add([]byte("{\"schedule\": \"0 * * * *\"}\n{}"))
	f.Add([]byte(`[1, {"a": [`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("config.json", data)
		checkPositions(t, "config.json", data, err)
		if err == nil && c.Validate() != nil {
			t.Fatalf("Parse accepted a configuration Validate rejects: %v", c.Validate())
		}
	})
}

func FuzzReadPrompt(f *testing.F) {
	f.Add([]byte(promptMarker + promptHeader + "@claude please implement #{{ .Issue.Number }}.\n"))
	f.Add([]byte("<!-- a --><!-- b -->\n\n<!-- c\n-->x{{- .Kind -}}\n"))
	f.Add([]byte("<!-- never closed\n{{ .Kind }}"))
	f.Add([]byte("{{ if .Kind }}\n{{ .Kind | printf \"%q\" }}\n"))
	f.Add([]byte("\r\n<!-- c -->\r\n{{ .A.B }}\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ReadPrompt("p.md", src)
		checkPositions(t, "p.md", src, err)
		if err != nil {
			return
		}
		s := string(src)
		if !strings.Contains(s, "{{") {
			// No actions: the brief is the file after its comments.
			out, err := p.Execute(nil)
			if err != nil {
				t.Fatalf("Execute of plain text: %v", err)
			}
			if !strings.HasSuffix(s, out) || out == "" {
				t.Fatalf("Execute = %q, not the end of %q", out, s)
			}
			if head := strings.TrimLeftFunc(s[:len(s)-len(out)], unicode.IsSpace); head != "" && !strings.HasPrefix(head, "<!--") {
				t.Fatalf("cut %q, which is not comments", s[:len(s)-len(out)])
			}
			return
		}
		// Range, template calls and blocks may loop long or produce a lot;
		// the rest is fast to run.
		for _, slow := range []string{"range", "template", "block", "define", "while"} {
			if strings.Contains(s, slow) {
				return
			}
		}
		_, err = p.Execute(map[string]any{"Kind": "bug", "Issue": map[string]any{"Number": 7}})
		checkPositions(t, "p.md", src, stripFix(err))
	})
}

// stripFix keeps an execution error's position: the message after it may
// quote the template, newlines and all.
func stripFix(err error) error {
	if err == nil {
		return nil
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return errorString(first)
}

type errorString string

func (e errorString) Error() string { return string(e) }
