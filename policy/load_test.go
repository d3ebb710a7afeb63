package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
)

// initRepo renders the default files into a new git repository, as
// `nanobots init` does, and returns its root.
func initRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", dir)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	c := policy.Default()
	c.Project = policy.Project{Owner: "acme", OwnerType: "organization", Number: 7}
	c.Repo = "acme/widgets"
	c.Dispatcher = "ada-bot"
	c.Maintainers = []string{"ada"}
	if _, err := scaffold.Init(scaffold.InitOptions{Dir: dir, Config: c, Version: "v0.1.0"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadDefaults loads what init writes: the loop must accept the
// files it starts every repository with.
func TestReadDefaults(t *testing.T) {
	dir := initRepo(t)
	p, err := policy.Read(os.DirFS(dir))
	if err != nil {
		t.Fatalf("Read of the files init writes:\n%v", err)
	}
	if p.Config.Repo != "acme/widgets" {
		t.Errorf("Config.Repo = %q, want acme/widgets", p.Config.Repo)
	}
	if diff := cmp.Diff(policy.DefaultRubric(), p.Rubric); diff != "" {
		t.Errorf("Rubric (-want +got):\n%s", diff)
	}
	for _, k := range p.Rubric.Kinds {
		recipe, ok := p.Recipes.For(k.Recipe)
		if !ok {
			t.Errorf("kind %q: no recipe %q", k.Name, k.Recipe)
			continue
		}
		if common := p.Recipes.Common(); common == "" || !strings.HasSuffix(recipe, common) {
			t.Errorf("kind %q: the recipe does not end with the section for every kind", k.Name)
		}
	}
	for _, name := range policy.LoopPrompts {
		if p.Prompts[name] == nil {
			t.Errorf("prompt %q not loaded", name)
		}
	}
	// The forms init writes, submitted, read back by the rubric init writes.
	for _, kind := range []string{"feature", "bug", "chore"} {
		form := submit(t, dir, kind)
		f := policy.ParseForm(form, p.Rubric)
		if !f.IsForm || f.Kind() != kind || f.Area() != "core" {
			t.Errorf("%s form: IsForm %v, kind %q, area %q; want a %s form in core", kind, f.IsForm, f.Kind(), f.Area(), kind)
		}
		if m := f.Missing(p.Rubric); len(m) != 0 {
			t.Errorf("%s form, every field answered: Missing = %v", kind, m)
		}
		if got := f.BlockedBy("acme/widgets"); !slices.Equal(got, []int{12, 34}) {
			t.Errorf("%s form: BlockedBy = %v, want [12 34]", kind, got)
		}
	}
}

// submit renders the body GitHub writes when the issue form for kind is
// submitted with every field answered: each labelled field as "### Label",
// a blank line and the answer. Markdown elements (no id) are left out, as
// GitHub does.
func submit(t *testing.T, dir, kind string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, ".github", "ISSUE_TEMPLATE", kind+".yml"))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{
		"kind": kind, "area": "core", "blocked_by": "#12, #34", "size_hint": "S",
		"acceptance": "- [ ] it works",
	}
	var b strings.Builder
	// A line-based read of the form is enough: each field has "id:" then
	// "label:" lines, as the scaffold writes them.
	id := ""
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			id = v
		}
		if v, ok := strings.CutPrefix(line, "label: "); ok && id != "" {
			answer, ok := answers[id]
			if !ok {
				answer = "An answer for " + id + "."
			}
			b.WriteString("### " + strings.Trim(v, `"`) + "\n\n" + answer + "\n\n")
			id = ""
		}
	}
	return b.String()
}

func TestReadProblems(t *testing.T) {
	dir := initRepo(t)
	edit := func(rel, old, new string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s has no %q", rel, old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit(".nanobots/config.json", `"wip_limit": 2`, `"wip_limit": 0`)
	edit(".nanobots/TRIAGE.md", "| core | P1 | M | no |", "| core | P7 | M | no |")
	edit(".nanobots/TRIAGE.md", "| bug | bug |", "| bug | bugs |")
	edit(".nanobots/RECIPES.md", "## chore", "## Chore\n\nx\n\n## chore")
	edit(".nanobots/prompts/triage.md", "{{ .Issue.Author }}", "{{ .Issue.Author | nosuch }}")
	if err := os.Remove(filepath.Join(dir, ".nanobots", "prompts", "distill.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".nanobots", "prompts", "extra.md"), []byte("<!-- mine -->\nHi {{ .Name }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Read(os.DirFS(dir))
	if err == nil {
		t.Fatal("no error")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		`.nanobots/config.json:` + lineCol(t, dir, ".nanobots/config.json", `"wip_limit"`, 0) + `: wip_limit is 0, want a whole number of at least 1, it is how many items may be In Progress at once`,
		`.nanobots/TRIAGE.md:` + lineCol(t, dir, ".nanobots/TRIAGE.md", "| core | P7", 9) + `: area "core" has priority "P7", which is not a row of the priority table (P0, P1, P2, P3): use one of those, or add a row for it`,
		`.nanobots/RECIPES.md:` + lineCol(t, dir, ".nanobots/RECIPES.md", "## chore", 3) + `: a second section "chore" (the first is at line ` + lineOf(t, dir, ".nanobots/RECIPES.md", "## Chore") + `): merge them into one, or rename one`,
		`.nanobots/prompts/distill.md: missing: run "nanobots update" to write it again`,
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("the errors lack\n%s\ngot:\n%s", w, strings.Join(got, "\n"))
		}
	}
	// RECIPES.md did not read, so CheckRecipes did not run and the bug
	// kind's recipe "bugs" is not reported; the prompt is, at its line.
	at := lineOf(t, dir, ".nanobots/prompts/triage.md", "{{ .Issue.Author | nosuch }}")
	found := false
	for _, g := range got {
		found = found || strings.HasPrefix(g, ".nanobots/prompts/triage.md:"+at+":")
	}
	if !found {
		t.Errorf("no error at .nanobots/prompts/triage.md:%s:\n%s", at, strings.Join(got, "\n"))
	}
	if len(got) != 5 {
		t.Errorf("%d problems, want 5:\n%s", len(got), strings.Join(got, "\n"))
	}
	// What could be read is there, for the caller to report with.
	if p.Config.Repo != "acme/widgets" || len(p.Rubric.Kinds) == 0 || p.Prompts["dispatch"] == nil || p.Prompts["extra"] == nil {
		t.Errorf("Read with problems returned too little: config repo %q, %d kinds, prompts %v", p.Config.Repo, len(p.Rubric.Kinds), keys(p.Prompts))
	}
}

func TestReadCrossChecks(t *testing.T) {
	dir := initRepo(t)
	rel := ".nanobots/TRIAGE.md"
	path := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "| bug | bug |", "| bug | bugs |", 1)
	s = strings.Replace(s, "| acceptance | Acceptance criteria | yes |\n", "", 1)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = policy.Read(os.DirFS(dir))
	if err == nil {
		t.Fatal("no error")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		rel + ":" + lineCol(t, dir, rel, "| field | label", 2) + `: the field table has no row "acceptance", which the loop reads: add "| acceptance | Acceptance criteria | yes |" with the label its issue forms use`,
		rel + ":" + lineCol(t, dir, rel, "| bug | bugs", 8) + `: kind "bug" uses recipe "bugs", which is not a section of .nanobots/RECIPES.md (its sections are "feature", "bug", "chore", "Every kind"): add a "## bugs" section there, or name one of those`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestReadMissing(t *testing.T) {
	_, err := policy.Read(os.DirFS(t.TempDir()))
	if want := `.nanobots: missing: run "nanobots init" to write the policy files`; err == nil || err.Error() != want {
		t.Errorf("Read of an empty directory: %v, want %s", err, want)
	}
	dir := initRepo(t)
	for _, rel := range []string{".nanobots/config.json", ".nanobots/TRIAGE.md", ".nanobots/RECIPES.md"} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, ".nanobots", "prompts")); err != nil {
		t.Fatal(err)
	}
	_, err = policy.Read(os.DirFS(dir))
	want := []string{
		`.nanobots/config.json: missing: run "nanobots init" to write it again`,
		`.nanobots/TRIAGE.md: missing: run "nanobots init" to write it again`,
		`.nanobots/RECIPES.md: missing: run "nanobots init" to write it again`,
		`.nanobots/prompts/dispatch.md: missing: run "nanobots update" to write it again`,
		`.nanobots/prompts/triage.md: missing: run "nanobots update" to write it again`,
		`.nanobots/prompts/distill.md: missing: run "nanobots update" to write it again`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// lineCol returns "line:col" of the first occurrence of s in the file rel,
// col being the column of s plus shift.
func lineCol(t *testing.T, dir, rel, s string, shift int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), s)
	if i < 0 {
		t.Fatalf("%s has no %q", rel, s)
	}
	line := 1 + strings.Count(string(b[:i]), "\n")
	col := i - strings.LastIndexByte(string(b[:i]), '\n')
	return fmt.Sprintf("%d:%d", line, col+shift)
}

func lineOf(t *testing.T, dir, rel, s string) string {
	t.Helper()
	lc := lineCol(t, dir, rel, s, 0)
	line, _, _ := strings.Cut(lc, ":")
	return line
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
