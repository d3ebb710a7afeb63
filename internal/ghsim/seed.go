package ghsim

import "time"

// The board's fields as DESIGN.md's state machine needs them.
var (
	StatusOptions = []OptionSpec{
		{"Inbox", "GRAY", "Filed, not yet triaged"},
		{"Backlog", "BLUE", "Triaged; not yet ready to start"},
		{"Ready", "GREEN", "Triaged and ready to dispatch"},
		{"In Progress", "YELLOW", "Dispatched to the coding agent"},
		{"In Review", "ORANGE", "A pull request closes it"},
		{"Verify", "PINK", "Merged; waiting for CI on the merge commit"},
		{"Done", "PURPLE", "Merged, verified, learned from"},
		{"Blocked", "RED", "Needs information or a human"},
	}
	PriorityOptions = []OptionSpec{
		{"P0", "RED", "Drop everything"},
		{"P1", "ORANGE", "Next up"},
		{"P2", "YELLOW", "Soon"},
		{"P3", "GRAY", "Some day"},
	}
	SizeOptions = []OptionSpec{
		{"XS", "GRAY", "Under an hour"},
		{"S", "BLUE", "A few hours"},
		{"M", "GREEN", "About a day"},
		{"L", "YELLOW", "Several days"},
		{"XL", "RED", "Too big: split it"},
	}
)

// ActionsBot is the login GITHUB_TOKEN acts as.
const ActionsBot = "github-actions[bot]"

// ClaudeBot is the login claude-code-action acts as.
const ClaudeBot = "claude[bot]"

// Demo returns the world `nanobots sim` starts with: user octo (whom any
// token authenticates as), a contributor mona, the repository octo/demo, and
// octo's board number 1 with the Status, Priority and Size fields of
// DESIGN.md, linked to the repository. Three issues filed through the
// repository's forms wait in the inbox.
func Demo(now func() time.Time) *World {
	w := NewWorld(now)
	octo := w.AddUser("octo", "User")
	octo.Name = "Octo Cat"
	mona := w.AddUser("mona", "User")
	w.AddUser(ActionsBot, "Bot")
	w.AddUser(ClaudeBot, "Bot")
	w.DefaultLogin = octo.Login

	r := w.AddRepo("octo", "demo", map[string]string{
		"README.md": "# demo\n\nA small repository that runs itself with nanobots.\n",
		"go.mod":    "module example.com/demo\n\ngo 1.22\n",
		"main.go":   "package main\n\nfunc main() {}\n",
	})
	w.SetPermission(r, mona.Login, "read")
	w.SetPermission(r, ClaudeBot, "write")
	w.SetPermission(r, ActionsBot, "write")
	w.AddLabel(r, "bug", "d73a4a", "Something isn't working")
	w.AddLabel(r, "enhancement", "a2eeef", "New feature or request")
	w.mu.Lock()
	r.Workflows = []*Workflow{{ID: w.id(), Name: "CI", Path: ".github/workflows/ci.yml", State: "active"}}
	w.mu.Unlock()

	p := w.AddProject(octo, "demo roadmap")
	w.SetOptions(p.FieldByName("Status"), StatusOptions...)
	w.AddSingleSelectField(p, "Priority", PriorityOptions...)
	w.AddSingleSelectField(p, "Size", SizeOptions...)
	w.mu.Lock()
	p.Repos = append(p.Repos, r)
	w.mu.Unlock()

	w.CreateIssue(r, mona, "Add a --version flag", formBody(map[string]string{
		"Kind": "feature", "Area": "interface",
		"Problem":             "There is no way to tell which build of demo is installed.",
		"Acceptance criteria": "- `demo --version` prints the version and exits 0\n- the version comes from the build, not a constant",
		"Blocked by":          "_No response_", "Size hint": "S",
	}), "nanobots:inbox")
	w.CreateIssue(r, mona, "Crash on empty input", formBody(map[string]string{
		"Kind": "bug", "Area": "core",
		"Problem":             "Running demo with no input panics with an index out of range.",
		"Acceptance criteria": "- empty input prints a usage message and exits 2\n- a test covers it",
		"Blocked by":          "_No response_", "Size hint": "XS",
	}), "nanobots:inbox")
	w.CreateIssue(r, mona, "Rotate the release signing key", formBody(map[string]string{
		"Kind": "chore", "Area": "security",
		"Problem":             "The release key is two years old.",
		"Acceptance criteria": "- a new key signs the next release",
		"Blocked by":          "_No response_", "Size hint": "M",
	}), "nanobots:inbox")
	return w
}

// formBody renders fields the way GitHub renders a submitted issue form:
// "### Label", a blank line, the value (or _No response_).
func formBody(fields map[string]string) string {
	order := []string{"Kind", "Area", "Problem", "Acceptance criteria", "Blocked by", "Size hint"}
	var s string
	for i, k := range order {
		v, ok := fields[k]
		if !ok {
			continue
		}
		if v == "" {
			v = "_No response_"
		}
		if i > 0 {
			s += "\n\n"
		}
		s += "### " + k + "\n\n" + v
	}
	return s
}
