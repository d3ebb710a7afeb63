package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoopFromTheCommandLine runs `nanobots loop` as the outer workflow
// does: a dry run that writes nothing, --json, then a real cycle in Actions
// with its log groups and job summary.
func TestLoopFromTheCommandLine(t *testing.T) {
	srv, dir, env := demoRepo(t)

	srv.Log.Reset()
	code, out, errOut := withEnv(env, "loop", "--dir", dir, "--dry-run")
	if code != 0 {
		t.Fatalf("loop --dry-run exited %d: %s", code, errOut)
	}
	for _, want := range []string{"dry run: ", "#1: add to the board as Inbox", "why: open and labelled nanobots:inbox, not on the board yet"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if w := srv.Log.Totals().Writes; w != 0 {
		t.Errorf("a dry run made %d writes", w)
	}

	code, out, errOut = withEnv(env, "loop", "--dir", dir, "--dry-run", "--json")
	var res struct {
		DryRun bool `json:"dry_run"`
		Plan   struct {
			Actions []struct {
				Kind  string `json:"kind"`
				Issue int    `json:"issue"`
				Why   string `json:"why"`
			} `json:"actions"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("loop --dry-run --json: exit %d, %v:\n%s%s", code, err, out, errOut)
	}
	if !res.DryRun || len(res.Plan.Actions) == 0 || res.Plan.Actions[0].Kind != "add-to-board" || res.Plan.Actions[0].Why == "" {
		t.Errorf("JSON plan = %+v", res)
	}
	// --json goes through the shared writer: a marker prints as itself.
	if strings.Contains(out, `\u003c`) || !strings.Contains(out, "<!-- nanobots:") {
		t.Errorf("loop --json escapes HTML or shows no marker:\n%s", out)
	}

	summary := filepath.Join(t.TempDir(), "summary.md")
	actions := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary}
	for k, v := range env {
		actions[k] = v
	}
	code, out, errOut = withEnv(actions, "loop", "--dir", dir)
	if code != 0 {
		t.Fatalf("loop exited %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "::group::nanobots cycle\n") || !strings.HasSuffix(out, "::endgroup::\n") {
		t.Errorf("the Actions log is not grouped:\n%s", out)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### nanobots cycle", "| done | #1 |", "**Waiting**"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("job summary lacks %q:\n%s", want, b)
		}
	}
	if w := srv.Log.Totals().Writes; w == 0 {
		t.Errorf("the cycle wrote nothing")
	}
}

// TestLoopStopsOnABrokenPolicyBeforeWriting breaks TRIAGE.md: the cycle
// names the file, line and column, exits 1, and writes nothing.
func TestLoopStopsOnABrokenPolicyBeforeWriting(t *testing.T) {
	srv, dir, env := demoRepo(t)
	replaceIn(t, dir, ".nanobots/TRIAGE.md", "| core | P1 | M | no |", "| core | P1 | M | maybe |")
	srv.Log.Reset()
	code, out, errOut := withEnv(env, "loop", "--dir", dir)
	if code != 1 {
		t.Fatalf("loop exited %d, want 1:\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, ".nanobots/TRIAGE.md:") || !strings.Contains(errOut, `hard gate is "maybe", write yes or no`) ||
		!strings.Contains(errOut, "nothing was written") {
		t.Errorf("stderr does not name the file, line and fix:\n%s", errOut)
	}
	if n := srv.Log.Totals().Requests; n != 0 {
		t.Errorf("a cycle with a broken policy sent %d requests", n)
	}
}

// TestLoopRefusesSomeoneElsesToken checks the cycle stops before writing
// when the dispatch token is not the dispatcher's.
func TestLoopRefusesSomeoneElsesToken(t *testing.T) {
	srv, dir, env := demoRepo(t)
	replaceIn(t, dir, ".nanobots/config.json", `"dispatcher": "octo"`, `"dispatcher": "ada"`)
	srv.Log.Reset()
	code, _, errOut := withEnv(env, "loop", "--dir", dir)
	if code != 1 || !strings.Contains(errOut, "NANOBOTS_DISPATCH_TOKEN belongs to @octo, but .nanobots/config.json names @ada as the dispatcher") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if w := srv.Log.Totals().Writes; w != 0 {
		t.Errorf("%d writes", w)
	}
}
