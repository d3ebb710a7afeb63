package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

// demoRepo starts the simulator's demo world (octo's board with the loop's
// fields, three issues in the inbox), renders `nanobots init` into a work
// tree, and returns the simulator, the work tree and the environment a
// command reads.
func demoRepo(t *testing.T) (*ghsim.Server, string, map[string]string) {
	t.Helper()
	w := ghsim.Demo(nil)
	w.AddToken(dispatchPAT, "octo", "project", "repo")
	w.AddToken("gh-actions-token", ghsim.ActionsBot)
	sim := simtest.Start(t, w)
	dir := gitRepo(t)
	if code, _, errOut := nanobots(t, "", false, "init", dir, "--owner", "octo", "--owner-type", "user",
		"--project", "1", "--repo", "octo/demo", "--dispatcher", "octo"); code != 0 {
		t.Fatalf("init exited %d: %s", code, errOut)
	}
	env := map[string]string{
		"GITHUB_API_URL":          sim.URL,
		"GITHUB_GRAPHQL_URL":      sim.GraphQLURL,
		"NANOBOTS_DISPATCH_TOKEN": dispatchPAT,
		"GITHUB_TOKEN":            "gh-actions-token",
	}
	return sim.Server, dir, env
}

// withEnv runs the CLI with env as its whole environment.
func withEnv(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, streams{In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestStatusCommand(t *testing.T) {
	srv, dir, env := demoRepo(t)

	// Before any cycle: no status issue yet, three issues to take in.
	srv.Log.Reset()
	code, out, errOut := withEnv(env, "status", "--dir", dir)
	if code != 0 {
		t.Fatalf("status exited %d: %s", code, errOut)
	}
	for _, want := range []string{
		"octo/demo, board \"demo roadmap\"",
		"Working: 17 actions still to carry out; 1 item waits on people.",
		"Inbox 0 · Backlog 0 · Ready 0 · In Progress 0 · In Review 0 · Verify 0 · Done 0 · Blocked 0\n",
		"needs a person:\n  #3 Rotate the release signing key (Blocked): the security area is a hard gate",
		"not carried out yet:\n  #1: add to the board as Inbox\n",
		"no status issue yet: the next cycle creates it",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status before the first cycle lacks %q:\n%s", want, out)
		}
	}
	if w := srv.Log.Totals().Writes; w != 0 {
		t.Errorf("status made %d writes", w)
	}

	// One cycle in Actions: the status issue links the run.
	actions := map[string]string{"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "octo/demo", "GITHUB_RUN_ID": "4242"}
	for k, v := range env {
		actions[k] = v
	}
	code, out, errOut = withEnv(actions, "loop", "--dir", dir)
	if code != 0 || !strings.Contains(out, "✓ create status issue #4 \"nanobots status\", labelled nanobots:status\n✓ pin status issue #4\n✓ comment on status issue #4: #3 newly waiting on a person\n") {
		t.Fatalf("loop exited %d:\n%s%s", code, out, errOut)
	}

	if body := srv.World.Repo("octo/demo").Issue(4).Body; !strings.Contains(body, "by [this run](https://github.com/octo/demo/actions/runs/4242)") {
		t.Errorf("the status issue does not link the run:\n%s", body)
	}

	srv.Log.Reset()
	code, out, errOut = withEnv(env, "status", "--dir", dir)
	if code != 0 {
		t.Fatalf("status exited %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Working: 4 actions still to carry out; 1 item waits on people.",
		"Inbox 0 · Backlog 0 · Ready 2 · In Progress 0 · In Review 0 · Verify 0 · Done 0 · Blocked 1\n",
		"needs a person:\n  #3 Rotate the release signing key (Blocked): the security area is a hard gate",
		"not carried out yet:\n  #2: dispatch attempt 1\n",
		"latest actions:\n",
		" UTC  #3: set Status to Blocked — triaged: security is a hard-gate area\n",
		"status issue #4, last rewritten ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status after a cycle lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "```") || strings.Contains(out, "<!--") {
		t.Errorf("status prints Markdown:\n%s", out)
	}
	if w := srv.Log.Totals().Writes; w != 0 {
		t.Errorf("status made %d writes", w)
	}

	code, out, errOut = withEnv(env, "status", "--dir", dir, "--json")
	var st struct {
		Activity string `json:"activity"`
		Issue    int    `json:"issue"`
		Counts   []struct {
			State string `json:"state"`
			Items int    `json:"items"`
		} `json:"counts"`
		OnHuman []struct {
			Issue int `json:"issue"`
		} `json:"on_human"`
		Hash string `json:"hash"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 {
		t.Fatalf("status --json: exit %d, %v: %s%s", code, err, out, errOut)
	}
	if st.Activity != "working" || st.Issue != 4 || len(st.Counts) != 8 || st.Counts[2].State != "Ready" || st.Counts[2].Items != 2 ||
		len(st.OnHuman) != 1 || st.OnHuman[0].Issue != 3 || st.Hash == "" {
		t.Errorf("status --json: %+v", st)
	}
	noToken(t, out, errOut)
}

func TestRunURL(t *testing.T) {
	for _, c := range []struct {
		server, repo, id, want string
	}{
		{"https://github.com", "octo/demo", "42", "https://github.com/octo/demo/actions/runs/42"},
		{"https://ghe.example.com/", "octo/demo", "42", "https://ghe.example.com/octo/demo/actions/runs/42"},
		{"", "octo/demo", "42", ""},
		{"https://github.com", "octo/demo", "", ""},
		{"https://github.com", "octo/demo", "42) [x](y", ""},
		{"javascript:alert(1)", "octo/demo", "42", ""},
	} {
		env := map[string]string{"GITHUB_SERVER_URL": c.server, "GITHUB_REPOSITORY": c.repo, "GITHUB_RUN_ID": c.id}
		if got := runURL(func(k string) string { return env[k] }); got != c.want {
			t.Errorf("runURL(%q, %q, %q) = %q, want %q", c.server, c.repo, c.id, got, c.want)
		}
	}
}
