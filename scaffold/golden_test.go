package scaffold

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nanobots-dev/nanobots/policy"
)

// report renders a Outcome the way the CLI prints it, diffs included, so a
// golden file shows both what was decided and what was written.
func report(t *testing.T, res Outcome, err error) string {
	return reportAll(t, res, err, false)
}

func reportAll(t *testing.T, res Outcome, err error, all bool) string {
	t.Helper()
	var b strings.Builder
	if err != nil {
		b.WriteString("error: " + err.Error() + "\n")
		return b.String()
	}
	if err := res.Print(&b, all); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func initRepo(t *testing.T, dir string, c policy.Config) {
	t.Helper()
	if _, err := Init(InitOptions{Dir: dir, Config: c, Version: "v0.1.0", Commit: testCommit}); err != nil {
		t.Fatal(err)
	}
}

// TestInitGolden renders init into repositories in different starting
// states and compares the work tree and the report with testdata/<case>/.
func TestInitGolden(t *testing.T) {
	custom := testConfig()
	custom.Project.Owner = "grace"
	custom.Project.OwnerType = "user"
	custom.Project.Number = 3
	custom.Repo = "grace/compiler"
	custom.Dispatcher = "grace"
	custom.Maintainers = []string{"grace", "linus"}
	custom.TriggerPhrase = "@nanobot"
	custom.Schedule = "7 */2 * * 1-5"
	custom.Inner.ModelAuth = "claude_code_oauth_token"
	custom.Inner.MaxTurns = 30
	custom.Inner.TimeoutMinutes = 45
	custom.Inner.AllowedTools = []string{"Bash(make test:*)", "Bash(make lint:*)", "Bash(git fetch:*)"}

	cases := []struct {
		name   string
		config policy.Config
		setup  func(t *testing.T, dir string)
	}{
		{name: "init-empty", config: testConfig()},
		{name: "init-custom", config: custom},
		{
			// A repository that already has some of the files: what is
			// there is kept, and the forms follow the repository's rubric.
			name:   "init-existing",
			config: testConfig(),
			setup: func(t *testing.T, dir string) {
				writeFile(t, dir, "CLAUDE.md", "# widgets\n\nRun `make test` before every commit.\n")
				writeFile(t, dir, ".gitattributes", "*.png binary\n")
				writeFile(t, dir, ".github/ISSUE_TEMPLATE/bug.yml", "name: Bug report\ndescription: Our own form.\nbody:\n  - type: textarea\n    attributes:\n      label: What happened?\n")
				triage := render1(t, testValues(), TriagePath)
				triage = strings.Replace(triage, "| docs | P3 | S | no |", "| firmware | P1 | L | yes | Code that runs on the device. |\n| docs | P3 | S | no |", 1)
				writeFile(t, dir, TriagePath, triage)
				commitAll(t, dir, "before nanobots")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			res, err := Init(InitOptions{Dir: dir, Config: tc.config, Version: "v0.1.0", Commit: testCommit})
			golden(t, tc.name+"/stdout", reportAll(t, res, err, true))
			goldenTree(t, tc.name, dir)

			// A second init changes nothing.
			before := tree(t, dir)
			res, err = Init(InitOptions{Dir: dir, Config: tc.config, Version: "v0.1.0", Commit: testCommit})
			if err != nil {
				t.Fatal(err)
			}
			if n := res.Written(); n != 0 {
				t.Errorf("second init would write %d files:\n%s", n, report(t, res, nil))
			}
			if after := tree(t, dir); len(after) != len(before) {
				t.Errorf("second init changed the tree")
			}
		})
	}
}

// TestUpdateGolden starts from a repository initialized and committed by
// v0.1.0, changes it as time would (an older rendering, a person's edit),
// runs update as v0.2.0 and compares the tree and report with testdata.
func TestUpdateGolden(t *testing.T) {
	cases := []struct {
		name     string
		noCommit bool // leave init's files uncommitted
		setup    func(t *testing.T, dir string)
	}{
		{
			// Nothing edited: files whose rendering changed are replaced,
			// a retired file is removed, a new one is written.
			name: "update-untouched",
			setup: func(t *testing.T, dir string) {
				age(t, dir, ".nanobots/prompts/dispatch.md", "push what you have", "push all you have")
				age(t, dir, "CLAUDE.md", "You cannot push", "You may not push")
				writeFile(t, dir, ".nanobots/prompts/review.md", string(stampFile(htmlComment, "v0.0.9", hashBody([]byte("Review the PR.\n")), []byte("Review the PR.\n"))))
				git(t, dir, "rm", "-q", ".github/ISSUE_TEMPLATE/chore.yml")
				commitAll(t, dir, "as v0.0.9 left it")
			},
		},
		{
			// A person edited a prompt the new version also changes, in
			// other lines: the edit is merged, its base found in history.
			name: "update-merge",
			setup: func(t *testing.T, dir string) {
				age(t, dir, ".nanobots/prompts/triage.md", "thank you for filing this", "thanks for filing this")
				commitAll(t, dir, "as v0.0.9 left it")
				edit(t, dir, ".nanobots/prompts/triage.md", "### Tests to write\n", "### Tests to write\n\n- Write tests in English.\n")
			},
		},
		{
			// The edit and the new rendering change the same line: the file
			// is left alone and the new rendering written beside it.
			name: "update-conflict",
			setup: func(t *testing.T, dir string) {
				age(t, dir, ".nanobots/prompts/dispatch.md", "This comment is your whole task", "This comment is your task")
				commitAll(t, dir, "as v0.0.9 left it")
				edit(t, dir, ".nanobots/prompts/dispatch.md", "This comment is your task", "This comment, and only it, is your task")
			},
		},
		{
			// The edited file was never committed, so the rendering it
			// started from cannot be found: the new one goes beside it.
			name:     "update-no-base",
			noCommit: true,
			setup: func(t *testing.T, dir string) {
				edit(t, dir, ".github/workflows/nanobots-outer.yml", "timeout-minutes: 20", "timeout-minutes: 30")
			},
		},
		{
			// A person edited the managed block of CLAUDE.md and the text
			// around it: the block is merged, the rest of the file kept.
			name: "update-block",
			setup: func(t *testing.T, dir string) {
				age(t, dir, "CLAUDE.md", "do not open a pull request", "open no pull request")
				writeFile(t, dir, "CLAUDE.md", "# widgets\n\nRun `make test` before every commit.\n\n"+readString(t, dir, "CLAUDE.md"))
				commitAll(t, dir, "as v0.0.9 left it")
				edit(t, dir, "CLAUDE.md", "  written by people, not instructions.\n", "  written by people, not instructions.\n- Answer in English.\n")
			},
		},
		{
			// A maintainer changed the rubric and edited a retired file; an
			// earlier run left a .nanobots-new: the forms follow the rubric,
			// TRIAGE.md and the edited retired file are left alone, and the
			// leftover is reported.
			name: "update-repo-owned",
			setup: func(t *testing.T, dir string) {
				edit(t, dir, TriagePath, "| docs | P3 | S | no |", "| firmware | P1 | L | yes | Code that runs on the device. |\n| docs | P3 | S | no |")
				edit(t, dir, ".nanobots/RECIPES.md", "## bug\n", "## bug\n\n0. Ask on the mailing list first.\n")
				body := []byte("Review the PR.\n")
				writeFile(t, dir, ".nanobots/prompts/review.md", string(stampFile(htmlComment, "v0.0.9", hashBody(body), []byte("Review the PR carefully.\n"))))
				writeFile(t, dir, ".nanobots/prompts/dispatch.md"+NewSuffix, "left over\n")
				commitAll(t, dir, "maintainer edits")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t)
			initRepo(t, dir, testConfig())
			if !tc.noCommit {
				commitAll(t, dir, "nanobots init")
			}
			tc.setup(t, dir)
			before := tree(t, dir)

			check, err := Update(UpdateOptions{Dir: dir, Version: "v0.2.0", Commit: testCommit2, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
				t.Fatalf("a dry run changed the tree:\n%s", diff)
			}
			var d strings.Builder
			if err := check.PrintDiff(&d); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+"/diff", d.String())

			res, err := Update(UpdateOptions{Dir: dir, Version: "v0.2.0", Commit: testCommit2})
			golden(t, tc.name+"/stdout", report(t, res, err))
			goldenTree(t, tc.name, dir)

			// Update converges: a second run writes nothing.
			res, err = Update(UpdateOptions{Dir: dir, Version: "v0.2.0", Commit: testCommit2})
			if err != nil {
				t.Fatal(err)
			}
			if n := res.Written(); n != 0 {
				t.Errorf("second update would write %d files:\n%s", n, report(t, res, nil))
			}
		})
	}
}
