package scaffold

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	gotemplate "text/template"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/nanobots-dev/nanobots/policy"
)

type formElement struct {
	Type       string `yaml:"type"`
	ID         string `yaml:"id"`
	Attributes struct {
		Label   string   `yaml:"label"`
		Options []string `yaml:"options"`
		Default *int     `yaml:"default"`
	} `yaml:"attributes"`
	Validations struct {
		Required bool `yaml:"required"`
	} `yaml:"validations"`
}

type form struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Labels      []string      `yaml:"labels"`
	Body        []formElement `yaml:"body"`
}

// forms renders and parses every issue form, by its kind (file name).
func forms(t *testing.T, v Values) map[string]form {
	t.Helper()
	files, err := render(v)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]form{}
	for _, f := range files {
		dir, name, _ := strings.Cut(strings.TrimPrefix(f.path, ".github/"), "/")
		if dir != "ISSUE_TEMPLATE" || name == "config.yml" {
			continue
		}
		var fm form
		if err := yaml.Unmarshal(f.content(v.Version), &fm); err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		out[strings.TrimSuffix(name, ".yml")] = fm
	}
	return out
}

// TestRubricAndFormsAgree parses the rendered TRIAGE.md the way the loop
// will (goldmark tables) and checks the issue forms offer exactly its areas,
// kinds and sizes, and ask for every field it reads under the label it reads.
func TestRubricAndFormsAgree(t *testing.T) {
	v := testValues()
	r, err := policy.ReadRubric(TriagePath, []byte(render1(t, v, TriagePath)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(policy.DefaultRubric(), r); diff != "" {
		t.Errorf("TRIAGE.md's tables do not read back as the rubric it was rendered from (-want +got):\n%s", diff)
	}
	names := func(n int, name func(int) string) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, name(i))
		}
		return out
	}
	areas := names(len(r.Areas), func(i int) string { return r.Areas[i].Name })
	kinds := names(len(r.Kinds), func(i int) string { return r.Kinds[i].Name })
	sizes := names(len(r.Sizes), func(i int) string { return r.Sizes[i].Name })

	fs := forms(t, v)
	if len(fs) < 3 {
		t.Fatalf("%d issue forms, want at least feature, bug and chore", len(fs))
	}
	for kind, f := range fs {
		if !slices.Contains(kinds, kind) {
			t.Errorf("form %s.yml is for no kind in the rubric %v", kind, kinds)
		}
		if len(f.Name) <= 3 || f.Description == "" || len(f.Body) == 0 {
			t.Errorf("form %s: GitHub hides a form without a name longer than 3, a description and a body", kind)
		}
		if !slices.Contains(f.Labels, v.Config.Labels.Inbox) {
			t.Errorf("form %s: labels %v lack %q", kind, f.Labels, v.Config.Labels.Inbox)
		}
		byID := map[string]formElement{}
		for _, e := range f.Body {
			if e.ID != "" {
				byID[e.ID] = e
			}
		}
		for _, field := range r.Fields {
			e, ok := byID[field.ID]
			if !ok {
				t.Errorf("form %s: no field %q, which triage reads", kind, field.ID)
				continue
			}
			if e.Attributes.Label != field.Label {
				t.Errorf("form %s: field %q is labelled %q, triage reads %q", kind, field.ID, e.Attributes.Label, field.Label)
			}
			if e.Validations.Required != field.Required {
				t.Errorf("form %s: field %q required = %v, the rubric says %v", kind, field.ID, e.Validations.Required, field.Required)
			}
		}
		for id, want := range map[string][]string{"area": areas, "kind": kinds, "size_hint": sizes} {
			if got := byID[id].Attributes.Options; !slices.Equal(got, want) {
				t.Errorf("form %s: %s options %q, the rubric's are %q", kind, id, got, want)
			}
		}
		if d := byID["kind"].Attributes.Default; d == nil || kinds[*d] != kind {
			t.Errorf("form %s: the kind dropdown does not default to %q", kind, kind)
		}
	}
}

// TestFormsFollowTheRepositoryRubric checks a maintainer's change to the
// rubric's tables reaches the forms on the next render.
func TestFormsFollowTheRepositoryRubric(t *testing.T) {
	v := testValues()
	triage := strings.Replace(render1(t, v, TriagePath), "| docs | P3 | S | no |", "| firmware | P1 | L | yes | Device code. |\n| docs | P3 | S | no |", 1)
	r, err := policy.ReadRubric(TriagePath, []byte(triage))
	if err != nil {
		t.Fatal(err)
	}
	v.Rubric = r
	for kind, f := range forms(t, v) {
		found := false
		for _, e := range f.Body {
			found = found || (e.ID == "area" && slices.Contains(e.Attributes.Options, "firmware"))
		}
		if !found {
			t.Errorf("form %s does not offer the rubric's new area", kind)
		}
	}
}

// TestConfigRoundTrip renders config.json from a configuration in which no
// value is a default or zero, parses it back with policy.Parse (which
// rejects unknown keys) and wants the same configuration: every key init
// writes is read, and every field Parse reads is written.
func TestConfigRoundTrip(t *testing.T) {
	want := testConfig()
	want.Project.OwnerType = "user"
	want.TriggerPhrase = "@bot"
	want.Maintainers = []string{"ada", "grace"}
	want.Schedule = "3 */4 * * *"
	want.WIPLimit = 4
	want.MaxAttempts = 5
	want.StaleTimeout = policy.Duration(90 * 60 * 1e9)
	want.HeartbeatInterval = policy.Duration(12 * 3600 * 1e9)
	want.StatusIssueTitle = "Loop status"
	want.Labels = policy.Labels{Inbox: "triage", SummonHuman: "needs-human"}
	want.Learnings = policy.Learnings{Branch: "bots/learnings", DistillThreshold: 7}
	want.Inner = policy.Inner{MaxTurns: 25, TimeoutMinutes: 30, ModelAuth: "claude_code_oauth_token", AllowedTools: []string{"Bash(make test:*)"}}
	assertNoZeroField(t, reflect.ValueOf(want), "Config")
	if diff := cmp.Diff(policy.Default(), want); diff == "" {
		t.Fatal("the test configuration is the default: it proves nothing")
	}
	v := testValues()
	v.Config = want
	got, err := policy.Parse(ConfigPath, []byte(render1(t, v, ConfigPath)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config.json does not round-trip (-rendered +parsed):\n%s", diff)
	}
	// And field by field against the defaults, so a key the template forgot
	// (which Parse would fill with its default) cannot hide behind a default
	// that happens to be equal.
	def := reflect.ValueOf(policy.Default())
	assertDiffers(t, reflect.ValueOf(got), def, "Config")
}

func assertNoZeroField(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.Kind() == reflect.Struct {
		for i := 0; i < v.NumField(); i++ {
			assertNoZeroField(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
		return
	}
	if v.IsZero() {
		t.Errorf("%s is zero in the test configuration", path)
	}
}

func assertDiffers(t *testing.T, got, def reflect.Value, path string) {
	t.Helper()
	if got.Kind() == reflect.Struct {
		for i := 0; i < got.NumField(); i++ {
			assertDiffers(t, got.Field(i), def.Field(i), path+"."+got.Type().Field(i).Name)
		}
		return
	}
	if path == "Config.Version" {
		return // there is only one format so far
	}
	if reflect.DeepEqual(got.Interface(), def.Interface()) {
		t.Errorf("%s parsed as its default %v: is it written to config.json?", path, def.Interface())
	}
}

// TestPromptsAreTemplates checks each rendered prompt is a valid Go template
// for the outer loop to fill in, and names the fields it uses.
func TestPromptsAreTemplates(t *testing.T) {
	files, err := render(testValues())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if !strings.HasPrefix(f.path, ".nanobots/prompts/") {
			continue
		}
		n++
		if _, err := gotemplate.New(f.path).Parse(string(f.body)); err != nil {
			t.Errorf("%s: %v", f.path, err)
		}
		if !strings.Contains(string(f.body), "Fields:") {
			t.Errorf("%s does not list the fields the loop fills in", f.path)
		}
	}
	if n != 3 {
		t.Errorf("%d prompts, want dispatch, triage and distill", n)
	}
	dispatch := render1(t, testValues(), ".nanobots/prompts/dispatch.md")
	if _, body, _ := splitFile([]byte(dispatch)); !strings.Contains(string(body), "-->\n@claude ") {
		t.Errorf("the dispatch brief does not start with the trigger phrase after its comment")
	}
}
