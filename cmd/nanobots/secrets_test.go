package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
)

// Tokens unlike anything else, so a leak cannot hide.
const (
	leakPAT = "ghp_LEAKdispatch9Xz3Qw7Er1Ty5Ui8Op2As6Df"
	leakBot = "ghs_LEAKactions4Gh7Jk1Lz9Xc3Vb6Nm2Qw8Er"
)

// TestTokensOnlyInMasks runs the loop as the outer workflow does, in Actions
// with a job summary, and by hand: dry runs, --json, cycles that work, one
// stopped by a fault, one with the two tokens the same, one with a token
// GitHub does not know, and status and doctor. Each token appears in what
// they print only on the "::add-mask::" line that hides it in the log, and
// nowhere in stderr, the job summary, what was written to GitHub, or the
// simulator's request log.
func TestTokensOnlyInMasks(t *testing.T) {
	w := ghsim.Demo(nil)
	w.AddToken(leakPAT, "octo", "project", "repo")
	w.AddToken(leakBot, ghsim.ActionsBot)
	w.DefaultLogin = "" // an unknown token is refused, as on GitHub
	agent := ghsim.NewAgent(w, "@claude", "octo")
	sim := simtest.Start(t, w)
	dir := gitRepo(t)
	if code, _, errOut := nanobots(t, "", false, "init", dir, "--owner", "octo", "--owner-type", "user",
		"--project", "1", "--repo", "octo/demo", "--dispatcher", "octo"); code != 0 {
		t.Fatalf("init exited %d: %s", code, errOut)
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{
		"GITHUB_API_URL": sim.URL, "GITHUB_GRAPHQL_URL": sim.GraphQLURL,
		"NANOBOTS_DISPATCH_TOKEN": leakPAT, "GITHUB_TOKEN": leakBot,
		"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary,
		"GITHUB_REPOSITORY": "octo/demo", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42",
	}
	with := func(kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range env {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}

	var stdout, stderr strings.Builder
	masks, failed := 0, 0
	runs := []struct {
		env  map[string]string
		args []string
	}{
		{env, []string{"loop", "--dir", dir, "--dry-run"}},
		{env, []string{"loop", "--dir", dir, "--dry-run", "--json"}},
		{env, []string{"loop", "--dir", dir}},
		{with("GITHUB_ACTIONS", ""), []string{"loop", "--dir", dir, "--json"}},
		{env, []string{"loop", "--dir", dir}},
		{env, []string{"loop", "--dir", dir}}, // a fault is injected before it
		{with("GITHUB_TOKEN", leakPAT), []string{"loop", "--dir", dir}},
		{with("NANOBOTS_DISPATCH_TOKEN", leakPAT+"x"), []string{"loop", "--dir", dir}},
		{with("NANOBOTS_DISPATCH_TOKEN", leakPAT+"x", "GITHUB_ACTIONS", ""), []string{"loop", "--dir", dir, "--json"}},
		{env, []string{"status", "--dir", dir}},
		{env, []string{"status", "--dir", dir, "--json"}},
		{env, []string{"doctor", "--dir", dir}},
		{env, []string{"doctor", "--dir", dir, "--json"}},
	}
	for i, r := range runs {
		if i == 5 {
			sim.Inject(ghsim.Fault{Status: http.StatusInternalServerError})
		}
		code, out, errOut := withEnv(r.env, r.args...)
		sim.ClearFaults()
		if code != 0 {
			failed++
		}
		if _, err := agent.Work(); err != nil {
			t.Fatal(err)
		}
		stdout.WriteString(out)
		stderr.WriteString(errOut)
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				masks++
				continue
			}
			for _, tok := range []string{leakPAT, leakBot} {
				if strings.Contains(line, tok) {
					t.Errorf("nanobots %s printed a token outside ::add-mask:::\n%s", strings.Join(r.args, " "), line)
				}
			}
		}
	}
	if masks == 0 || failed < 3 || !strings.Contains(stdout.String(), `"dry_run": true`) {
		t.Errorf("%d mask lines, %d runs failed: the runs did not go as planned:\n%s\n%s", masks, failed, stdout.String(), stderr.String())
	}
	for _, want := range []string{"hold the same token", "Bad credentials", "500"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: a failing run did not fail as planned:\n%s", want, stderr.String())
		}
	}

	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	log, err := json.Marshal(sim.Log.Entries())
	if err != nil {
		t.Fatal(err)
	}
	var world strings.Builder
	w.Lock()
	for _, r := range []*ghsim.Repo{w.Repo("octo/demo")} {
		for _, is := range r.Issues {
			world.WriteString(is.Title + "\n" + is.Body + "\n")
			for _, c := range is.Comments {
				world.WriteString(c.Body + "\n")
			}
		}
		for _, c := range r.Commits {
			world.WriteString(c.Message + "\n")
			for _, f := range c.Files {
				world.Write(f.Content)
			}
		}
	}
	w.Unlock()
	if !strings.Contains(world.String(), "nanobots:dispatch") || !strings.Contains(string(b), "### nanobots cycle") {
		t.Errorf("no dispatch, or no job summary: the test greps too little")
	}
	for what, text := range map[string]string{
		"stderr": stderr.String(), "the job summary": string(b),
		"what was written to GitHub": world.String(), "the request log": string(log),
	} {
		for _, tok := range []string{leakPAT, leakBot, leakPAT[4:20], leakBot[4:20]} {
			if i := strings.Index(text, tok); i >= 0 {
				t.Errorf("%s holds a token: …%s…", what, text[max(i-80, 0):min(i+80, len(text))])
			}
		}
	}
}
