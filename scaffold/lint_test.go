package scaffold

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	nbversion "github.com/nanobots-dev/nanobots/internal/version"
	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// allConfigs are the configurations every rendering test covers: the
// defaults for an organization board, and every non-default choice.
func allConfigs() map[string]Values {
	custom := testValues()
	custom.Config.Project.OwnerType = "user"
	custom.Config.TriggerPhrase = "/nanobot"
	custom.Config.Schedule = "7 */2 * * 1-5"
	custom.Config.Inner.ModelAuth = "claude_code_oauth_token"
	custom.Config.Inner.AllowedTools = nil
	dev := testValues()
	dev.Version = "dev"
	unpinned := dev
	unpinned.Commit = ""
	byTag := testValues()
	byTag.Commit = ""
	ref := dev
	ref.ActionRef = "v0.1.0-rc.1"
	return map[string]Values{"default": testValues(), "custom": custom, "dev": dev, "unpinned": unpinned, "by-tag": byTag, "action-ref": ref}
}

// TestWorkflowsPassActionlint lints every rendered workflow with actionlint,
// as a library, and wants no findings. It lints twice: as rendered (pinned
// by SHA), and with each pin replaced by its major version tag, so that
// actionlint's data about popular actions checks the inputs we pass (a v0
// input that v1 silently ignores would be caught here).
func TestWorkflowsPassActionlint(t *testing.T) {
	for name, v := range allConfigs() {
		files, err := render(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !strings.HasPrefix(f.path, ".github/workflows/") {
				continue
			}
			content := f.content(v.Version)
			for _, variant := range []struct {
				name string
				src  []byte
			}{{"pinned", content}, {"tagged", byMajorTag(content)}} {
				t.Run(name+"/"+f.path+"/"+variant.name, func(t *testing.T) {
					l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
					if err != nil {
						t.Fatal(err)
					}
					errs, err := l.Lint(f.path, variant.src, nil)
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range errs {
						t.Errorf("%s:%d:%d: %s [%s]", f.path, e.Line, e.Column, e.Message, e.Kind)
					}
				})
			}
		}
	}
}

var pinRE = regexp.MustCompile(`uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v[0-9][\w.-]*)`)

// byMajorTag rewrites "owner/repo@<sha> # v1.2.3" to "owner/repo@v1".
func byMajorTag(src []byte) []byte {
	return pinRE.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := pinRE.FindSubmatch(m)
		major, _, _ := strings.Cut(string(sub[3]), ".")
		return []byte(fmt.Sprintf("uses: %s@%s", sub[1], major))
	})
}

// TestWorkflowsPinFromTable checks every action a workflow uses is pinned by
// full SHA from Pins, with its version as a comment.
func TestWorkflowsPinFromTable(t *testing.T) {
	usesRE := regexp.MustCompile(`(?m)^\s*-?\s*uses:\s*(.*)$`)
	known := map[string]bool{}
	for _, p := range Pins {
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(p.SHA) {
			t.Errorf("pin %s %s: SHA %q is not 40 hex digits", p.Action, p.Version, p.SHA)
		}
		known[fmt.Sprintf("%s@%s # %s", p.Action, p.SHA, p.Version)] = true
	}
	v := testValues()
	engine, err := engineAction(v)
	if err != nil {
		t.Fatal(err)
	}
	known[engine.Uses] = true
	files, err := render(v)
	if err != nil {
		t.Fatal(err)
	}
	uses := 0
	for _, f := range files {
		for _, m := range usesRE.FindAllStringSubmatch(string(f.body), -1) {
			uses++
			if !known[strings.TrimSpace(m[1])] {
				t.Errorf("%s: uses %q, which is not a pin from scaffold.Pins", f.path, m[1])
			}
		}
	}
	if uses == 0 {
		t.Error("no workflow uses any action: the check checked nothing")
	}
}

// TestOuterWorkflowSecrets checks the dispatch PAT reaches only the step
// that runs the loop, and that the cycle is never cancelled.
func TestOuterWorkflowSecrets(t *testing.T) {
	var wf struct {
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Permissions map[string]any `yaml:"permissions"`
		Jobs        map[string]struct {
			Env         map[string]string `yaml:"env"`
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Name string            `yaml:"name"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	src := render1(t, testValues(), ".github/workflows/nanobots-outer.yml")
	if err := yaml.Unmarshal([]byte(src), &wf); err != nil {
		t.Fatal(err)
	}
	if wf.Concurrency.Group == "" || wf.Concurrency.CancelInProgress {
		t.Errorf("concurrency = %+v, want a group that never cancels in progress", wf.Concurrency)
	}
	if len(wf.Permissions) != 0 {
		t.Errorf("top-level permissions = %v, want {} (each job asks for its own)", wf.Permissions)
	}
	if n := strings.Count(src, "secrets.NANOBOTS_DISPATCH_TOKEN"); n != 1 {
		t.Errorf("the dispatch token appears %d times, want once", n)
	}
	for name, job := range wf.Jobs {
		if len(job.Permissions) == 0 {
			t.Errorf("job %s sets no permissions", name)
		}
		if len(job.Env) != 0 {
			t.Errorf("job %s sets job-level env %v: secrets belong on the step that needs them", name, job.Env)
		}
		for _, s := range job.Steps {
			_, hasPAT := s.Env["NANOBOTS_DISPATCH_TOKEN"]
			if hasPAT != strings.Contains(s.Run, "nanobots loop") {
				t.Errorf("step %q: has the dispatch token = %v, runs nanobots loop = %v", s.Name, hasPAT, strings.Contains(s.Run, "nanobots loop"))
			}
		}
	}
	want := "uses: " + nbversion.Repository + "@" + testCommit + " # v0.1.0\n        with:\n          version: \"v0.1.0\"\n"
	if !strings.Contains(src, want) {
		t.Errorf("the workflow does not run the release that rendered it: want\n%s", want)
	}
}
