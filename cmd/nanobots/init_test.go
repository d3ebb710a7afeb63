package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
		{"test command", append([]string{"init", repo, "--test-command", "go test (all)"}, initFlags...), `--test-command: command "go test (all)": allowed tool "Bash(go test (all):*)" is not a tool pattern`},
		{"lint command", append([]string{"init", repo, "--lint-command", "vet,lint"}, initFlags...), `--lint-command: command "vet,lint"`},
		{"empty command", append([]string{"init", repo, "--lint-command", " "}, initFlags...), `--lint-command: an empty command cannot be allowed`},
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
	// Then the test command, and (a bad answer, then none) the lint command.
	code, out, errOut := nanobots(t, "\n\nseven\n7\nada-bot\nmake test\nlint, all\n\n", true, "init", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, q := range []string{"Owner of the project board (user or organization login) [acme]: ", "Is acme a user or an organization [organization]: ", `"seven" is not a whole number`, "Login whose PAT posts dispatch comments: ",
		`Command that runs the tests, such as "go test" (empty for none): `, `Command that runs the linter, such as "golangci-lint run" (empty for none): `, `no quotes, commas`} {
		if !strings.Contains(errOut, q) {
			t.Errorf("prompts lack %q:\n%s", q, errOut)
		}
	}
	cfg := snapshot(t, dir)[".nanobots/config.json"]
	for _, want := range []string{`"owner": "acme"`, `"number": 7`, `"repo": "acme/widgets"`, `"dispatcher": "ada-bot"`, `"maintainers": ["ada-bot"]`, `"Bash(make test:*)"`} {
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

// TestInitAllowsTestAndLintCommands gives init the repository's commands:
// they reach config.json, the inner workflow's --allowedTools and the
// brief, beside git fetch for a retry; a later init may repeat them but
// not add others.
func TestInitAllowsTestAndLintCommands(t *testing.T) {
	dir := gitRepo(t)
	args := append([]string{"init", dir, "--test-command", "go test", "--test-command", "Bash(go run ./cmd/check:*)",
		"--lint-command", "  golangci-lint   run ", "--lint-command", "go vet:*"}, initFlags...)
	code, out, errOut := nanobots(t, "", false, args...)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, errOut)
	}
	want := []string{"Bash(go test:*)", "Bash(go run ./cmd/check:*)", "Bash(golangci-lint run:*)", "Bash(go vet:*)", "Bash(git fetch:*)"}
	files := snapshot(t, dir)
	for _, tool := range want {
		if !strings.Contains(files[".nanobots/config.json"], `"`+tool+`"`) {
			t.Errorf("config.json lacks %q:\n%s", tool, files[".nanobots/config.json"])
		}
		if !strings.Contains(files[".nanobots/prompts/dispatch.md"], "`"+tool+"`") {
			t.Errorf("the dispatch brief does not list %q", tool)
		}
	}
	inner := files[".github/workflows/nanobots-inner.yml"]
	_, allowed, _ := strings.Cut(inner, `--allowedTools "`)
	allowed, _, _ = strings.Cut(allowed, `"`)
	got := strings.Split(allowed, ",")
	for _, tool := range want {
		if !slices.Contains(got, tool) {
			t.Errorf("--allowedTools %q lacks %q", allowed, tool)
		}
	}
	if n := strings.Count(allowed, "Bash(git fetch:*)"); n != 1 {
		t.Errorf("--allowedTools has git fetch %d times, want once", n)
	}
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "nanobots init")

	if code, out, errOut := nanobots(t, "", false, "init", dir, "--test-command", "go test"); code != 0 || !strings.Contains(out, "nothing to write") {
		t.Errorf("init repeating a command: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = nanobots(t, "", false, "init", dir, "--lint-command", "make lint")
	if want := `.nanobots/config.json does not allow "make lint": add "Bash(make lint:*)" to inner.allowed_tools there and run "nanobots update"`; code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("init with a new command: exit %d, stderr %q, want 2 and %q", code, errOut, want)
	}
}

// TestInitSaysEveryNextStep checks init ends with every step between its
// files and a running loop, in order.
func TestInitSaysEveryNextStep(t *testing.T) {
	dir := gitRepo(t)
	code, out, errOut := nanobots(t, "", false, append([]string{"init", dir}, initFlags...)...)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, errOut)
	}
	at := 0
	for _, step := range []string{
		"gh secret set NANOBOTS_DISPATCH_TOKEN --repo acme/widgets",
		"a classic PAT of ada-bot with the scopes repo and project",
		"a machine user is",
		"gh secret set ANTHROPIC_API_KEY --repo acme/widgets",
		"https://github.com/apps/claude",
		"git push",
		"nanobots doctor",
		"no issue\n     filed through a form would reach the loop",
		"nanobots bootstrap --link",
		"nanobots doctor",
	} {
		i := strings.Index(out[at:], step)
		if i < 0 {
			t.Fatalf("init's output lacks %q after offset %d:\n%s", step, at, out)
		}
		at += i + len(step)
	}
}
