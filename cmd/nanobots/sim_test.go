package main

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestSimTourAnswersARealQuery(t *testing.T) {
	code, out, errOut := runCLI(t, "sim", "--tour")
	if code != 0 {
		t.Fatalf("sim --tour exited %d: %s", code, errOut)
	}
	first, rest, _ := strings.Cut(out, "\n")
	u, err := url.Parse(first)
	if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.0.0.1:") {
		t.Errorf("first line %q, want the loopback base URL", first)
	}
	for _, want := range []string{
		`octo's board 1 is "demo roadmap"`,
		"Status    Inbox · Backlog · Ready · In Progress · In Review · Verify · Done · Blocked",
		"#1 Add a --version flag [nanobots:inbox]",
		"Field 'projectV2item' doesn't exist on type 'User'",
	} {
		if !strings.Contains(rest, want) {
			t.Errorf("tour output lacks %q:\n%s", want, rest)
		}
	}
}

func TestSimRefusesNonLoopback(t *testing.T) {
	code, _, errOut := runCLI(t, "sim", "--listen", "0.0.0.0:0")
	if code != 2 || !strings.Contains(errOut, "loopback") {
		t.Errorf("exit %d, stderr %q; want 2 and a loopback-only message", code, errOut)
	}
}

func TestSimRefusesUnknownOutcomeAndCI(t *testing.T) {
	for _, args := range [][]string{{"--agent-outcome", "merge-it"}, {"--ci", "green"}} {
		code, _, errOut := runCLI(t, append([]string{"sim", "--agent", "scripted"}, args...)...)
		if code != 2 || !strings.Contains(errOut, args[0]) {
			t.Errorf("sim %v: exit %d, stderr %q; want 2 and a message naming %s", args, code, errOut, args[0])
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := newRootCmd(streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	for _, c := range root.Commands() {
		if c.Short == "" {
			t.Errorf("command %q has no short help", c.Name())
		}
		code, out, _ := runCLI(t, c.Name(), "--help")
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%s --help: exit %d, output %q", c.Name(), code, out)
		}
	}
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "nanobots ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "completion", "bash")
	if code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: exit %d", code)
	}
}

func TestSimSeedsABoardWithHistory(t *testing.T) {
	code, out, errOut := runCLI(t, "sim", "--tour", "--board-items", "2000", "--open-items", "100")
	if code != 0 {
		t.Fatalf("sim --tour --board-items 2000 --open-items 100 exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, "2100 items") {
		t.Errorf("the tour did not read a board of 2,100 items:\n%s", out)
	}
	code, out, errOut = runCLI(t, "sim", "--board-items", "50000", "--open-items", "1")
	if code == 0 || out != "" || !strings.Contains(errOut, "50000 items a board") {
		t.Errorf("50,001 items: exit %d, stdout %q, stderr %q; want a failure before any URL, naming GitHub's limit", code, out, errOut)
	}
}
