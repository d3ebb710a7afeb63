package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nanobots runs the CLI in a test and returns its exit code and output.
func nanobots(t *testing.T, stdin string, tty bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, streams{In: strings.NewReader(stdin), Out: &out, Err: &errb, InTTY: tty})
	return code, out.String(), errb.String()
}

func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	return dir
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// snapshot reads every file under dir except .git.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if fi.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func replaceIn(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

var initFlags = []string{"--owner", "acme", "--project", "7", "--repo", "acme/widgets", "--dispatcher", "ada-bot"}

// TestNewUserEndToEnd runs the commands as a maintainer adopting nanobots
// would, in a fresh git repository.
func TestNewUserEndToEnd(t *testing.T) {
	dir := gitRepo(t)

	code, out, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "15 files written") {
		t.Errorf("init output:\n%s", out)
	}
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "nanobots init")
	afterInit := snapshot(t, dir)

	// init again: nothing changes, with or without the flags.
	for _, args := range [][]string{append([]string{"init", dir}, initFlags...), {"init", dir}} {
		code, out, errOut = nanobots(t, "", false, args...)
		if code != 0 || !strings.Contains(out, "nothing to write") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		if diff := cmp.Diff(afterInit, snapshot(t, dir)); diff != "" {
			t.Errorf("%v changed files (-before +after):\n%s", args, diff)
		}
	}

	code, out, errOut = nanobots(t, "", false, "update", "--check", dir)
	if code != 0 {
		t.Fatalf("update --check after init: exit %d\n%s%s", code, out, errOut)
	}

	// A hand edit of an engine-owned prompt: --check fails and names it,
	// update keeps the edit.
	const prompt = ".nanobots/prompts/dispatch.md"
	replaceIn(t, dir, prompt, "## Finishing\n", "## Finishing\n\n- Write the PR description in English.\n")
	edited := snapshot(t, dir)[prompt]
	code, out, errOut = nanobots(t, "", false, "update", "--check", dir)
	if code != 1 || !strings.Contains(out, prompt) || !strings.Contains(out, "edited by hand") {
		t.Errorf("update --check after an edit: exit %d, want 1 naming %s\n%s%s", code, prompt, out, errOut)
	}
	code, out, errOut = nanobots(t, "", false, "update", dir)
	if code != 0 {
		t.Errorf("update: exit %d\n%s%s", code, out, errOut)
	}
	if got := snapshot(t, dir)[prompt]; got != edited {
		t.Errorf("update changed the edited prompt:\n%s", cmp.Diff(edited, got))
	}

	// A hand edit of TRIAGE.md (repo-owned): update leaves it alone.
	const triage = ".nanobots/TRIAGE.md"
	replaceIn(t, dir, triage, "## Areas\n", "## Areas\n\nWe triage on Mondays.\n")
	before := snapshot(t, dir)
	code, out, errOut = nanobots(t, "", false, "update", dir)
	if code != 0 {
		t.Errorf("update: exit %d\n%s%s", code, out, errOut)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("update changed files after a TRIAGE.md edit (-before +after):\n%s", diff)
	}
	// --check still reports the prompt edit, and only that.
	code, out, _ = nanobots(t, "", false, "update", "--check", dir)
	if code != 1 || strings.Contains(out, triage) {
		t.Errorf("update --check: exit %d, want 1 without %s\n%s", code, triage, out)
	}
}

func TestUpdateDryRunShowsADiff(t *testing.T) {
	dir := gitRepo(t)
	if code, out, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...); code != 0 {
		t.Fatalf("init: %s%s", out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, ".github/ISSUE_TEMPLATE/chore.yml")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, out, errOut := nanobots(t, "", false, "update", "--dry-run", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"create   .github/ISSUE_TEMPLATE/chore.yml", "+++ b/.github/ISSUE_TEMPLATE/chore.yml", "+name: Chore", "dry run: 1 file would change"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("--dry-run wrote files:\n%s", diff)
	}
}

func TestInitRefuses(t *testing.T) {
	repo := gitRepo(t)
	if err := os.Mkdir(filepath.Join(repo, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not a work tree", []string{"init", plain}, "is not a git work tree"},
		{"a subdirectory", []string{"init", filepath.Join(repo, "sub")}, "not its root"},
		{"missing flag without a terminal", []string{"init", repo, "--repo", "acme/widgets"}, "missing --project"},
		{"owner", []string{"init", repo, "--owner", "-acme"}, `--owner: login "-acme" starts or ends with a hyphen`},
		{"login", []string{"init", repo, "--dispatcher", "ada_bot"}, `--dispatcher: login "ada_bot" has '_'`},
		{"project", []string{"init", repo, "--project", "-1"}, "--project: project number -1 is not a positive whole number"},
		{"repo", []string{"init", repo, "--repo", "acme/wid/gets"}, `--repo: repository "acme/wid/gets" is not owner/name`},
		{"cron", []string{"init", repo, "--schedule", "@hourly"}, `--schedule: schedule "@hourly" has 1 fields, want 5`},
		{"cron minute 0", []string{"init", repo, "--schedule", "0 * * * *"}, "fires at minute 0"},
		{"owner type", []string{"init", repo, "--owner-type", "team"}, `--owner-type: owner type "team"`},
		{"wip limit", append([]string{"init", repo, "--wip-limit", "0"}, initFlags...), "--wip-limit is 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := nanobots(t, "", false, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q (stdout %q)", code, errOut, tc.want, out)
			}
			if _, err := os.Stat(filepath.Join(repo, ".nanobots")); err == nil {
				t.Error("a refused init wrote files")
			}
		})
	}
}

// TestInitPromptsOnATerminal answers init's questions as a person would,
// taking the offered defaults where there are some.
func TestInitPromptsOnATerminal(t *testing.T) {
	dir := gitRepo(t)
	gitIn(t, dir, "remote", "add", "origin", "https://github.com/acme/widgets.git")
	// owner [acme], owner type [organization], project (a wrong answer, then 7), dispatcher.
	code, out, errOut := nanobots(t, "\n\nseven\n7\nada-bot\n", true, "init", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, q := range []string{"Owner of the project board (user or organization login) [acme]: ", "Is acme a user or an organization [organization]: ", `"seven" is not a whole number`, "Login whose PAT posts dispatch comments: "} {
		if !strings.Contains(errOut, q) {
			t.Errorf("prompts lack %q:\n%s", q, errOut)
		}
	}
	cfg := snapshot(t, dir)[".nanobots/config.json"]
	for _, want := range []string{`"owner": "acme"`, `"number": 7`, `"repo": "acme/widgets"`, `"dispatcher": "ada-bot"`, `"maintainers": ["ada-bot"]`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config.json lacks %s:\n%s", want, cfg)
		}
	}
}

func TestUpdateNeedsInit(t *testing.T) {
	dir := gitRepo(t)
	code, _, errOut := nanobots(t, "", false, "update", dir)
	if code != 2 || !strings.Contains(errOut, `run "nanobots init" first`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestUpdateReportsABadConfigByLine(t *testing.T) {
	dir := gitRepo(t)
	if code, out, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...); code != 0 {
		t.Fatalf("init: %s%s", out, errOut)
	}
	replaceIn(t, dir, ".nanobots/config.json", `"wip_limit"`, `"wip_limt"`)
	code, _, errOut := nanobots(t, "", false, "update", dir)
	if code != 2 || !strings.Contains(errOut, `config.json:13:3: unknown key "wip_limt", did you mean "wip_limit"?`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
