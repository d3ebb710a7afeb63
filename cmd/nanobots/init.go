package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nanobots-dev/nanobots/internal/version"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
)

type initOptions struct {
	dir       string
	dryRun    bool
	actionRef string
	config    policy.Config
	// commands the agent may run to test and lint the repository
	testCommands, lintCommands []string
	// flags that were given on the command line, by name
	set map[string]bool
}

func newInitCmd(s streams) *cobra.Command {
	def := policy.Default()
	opts := initOptions{config: def}
	c := &opts.config
	var stale, heartbeat time.Duration
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Render everything both loops need into a repository",
		Long: `init writes the files the two nanobots loops need into the git repository at
DIR (default: the current directory): the outer and inner workflows, issue
forms, .nanobots/config.json, the triage rubric, recipes, learnings log and
prompts, a managed block in CLAUDE.md, and .gitattributes lines.

It only writes what is absent. A repo-owned file that exists (config.json,
TRIAGE.md, RECIPES.md, LEARNINGS.md) is never overwritten; an engine-owned one
is left for "nanobots update". Running init twice changes nothing.

When .nanobots/config.json exists, its values are used and flags must agree
with it. Otherwise --owner, --project, --repo and --dispatcher are needed; on
a terminal init asks for any that are missing, and --repo and --owner default
to the origin remote's repository on github.com.

The agent in the inner loop may run only the commands it is allowed. Give the
commands that test and lint the repository with --test-command and
--lint-command (on a terminal init asks for them): each becomes an entry
"Bash(COMMAND:*)" of inner.allowed_tools, which lets the agent run the command
with any arguments after it, so give its stem ("go test", not "go test ./...").`,
		Example: `  nanobots init --owner acme --project 7 --repo acme/widgets --dispatcher ada
  nanobots init --dry-run
  nanobots init ../widgets --owner ada --owner-type user --project 1 --dispatcher ada
  nanobots init --test-command "go test" --lint-command "go vet" --lint-command golangci-lint`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = "."
			if len(args) == 1 {
				opts.dir = args[0]
			}
			c.StaleTimeout = policy.Duration(stale)
			c.HeartbeatInterval = policy.Duration(heartbeat)
			opts.set = map[string]bool{}
			cmd.Flags().Visit(func(f *pflag.Flag) { opts.set[f.Name] = true })
			return initRun(s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Project.Owner, "owner", "", "login of the user or organization that owns the project board (default: the repository's owner)")
	f.StringVar(&c.Project.OwnerType, "owner-type", def.Project.OwnerType, `whether --owner is a "user" or an "organization"`)
	f.IntVar(&c.Project.Number, "project", 0, "number of the Projects v2 board, as in github.com/orgs/OWNER/projects/NUMBER")
	f.StringVar(&c.Repo, "repo", "", "the repository, as owner/name (default: the origin remote's)")
	f.StringVar(&c.Dispatcher, "dispatcher", "", "login whose classic PAT (secret NANOBOTS_DISPATCH_TOKEN) posts dispatch comments")
	f.StringSliceVar(&c.Maintainers, "maintainer", nil, "login to mention when a human is needed; repeat for several (default: the dispatcher)")
	f.StringVar(&c.TriggerPhrase, "trigger-phrase", def.TriggerPhrase, "phrase that starts the inner loop, in both the workflow and the action")
	f.StringVar(&c.Schedule, "schedule", def.Schedule, "cron line (UTC) of the outer loop; never at minute 0")
	f.IntVar(&c.WIPLimit, "wip-limit", def.WIPLimit, "items In Progress at once")
	f.IntVar(&c.MaxAttempts, "max-attempts", def.MaxAttempts, "dispatches of one item before it is Blocked")
	f.DurationVar(&stale, "stale-timeout", time.Duration(def.StaleTimeout), "how long a dispatched item may go without a pull request")
	f.DurationVar(&heartbeat, "heartbeat-interval", time.Duration(def.HeartbeatInterval), "how often the status issue is rewritten when nothing changed")
	f.IntVar(&c.Inner.MaxTurns, "max-turns", def.Inner.MaxTurns, "--max-turns passed to Claude in the inner loop")
	f.IntVar(&c.Inner.TimeoutMinutes, "timeout-minutes", def.Inner.TimeoutMinutes, "timeout of the inner loop's job")
	f.StringVar(&c.Inner.ModelAuth, "model-auth", def.Inner.ModelAuth, `model credential: "anthropic_api_key" (secret ANTHROPIC_API_KEY) or "claude_code_oauth_token" (secret CLAUDE_CODE_OAUTH_TOKEN)`)
	f.StringArrayVar(&opts.testCommands, "test-command", nil, `command the agent may run to test the repository, such as "go test" (any arguments may follow it); repeat for several`)
	f.StringArrayVar(&opts.lintCommands, "lint-command", nil, `command the agent may run to lint the repository, such as "golangci-lint run"; repeat for several`)
	f.BoolVar(&opts.dryRun, "dry-run", false, "list every file init would write, and why, without writing")
	f.StringVar(&opts.actionRef, "action-ref", "", "run the nanobots action at this commit, tag or branch instead of the commit this build was made from")
	return cmd
}

// flagKeys maps each flag to the config.json key it sets, to compare flags
// with an existing config.json and to name the flag in errors.
var flagKeys = []struct {
	flag, key string
	get       func(policy.Config) string
}{
	{"owner", "project.owner", func(c policy.Config) string { return c.Project.Owner }},
	{"owner-type", "project.owner_type", func(c policy.Config) string { return c.Project.OwnerType }},
	{"project", "project.number", func(c policy.Config) string { return strconv.Itoa(c.Project.Number) }},
	{"repo", "repo", func(c policy.Config) string { return c.Repo }},
	{"dispatcher", "dispatcher", func(c policy.Config) string { return c.Dispatcher }},
	{"maintainer", "maintainers", func(c policy.Config) string { return strings.Join(c.Maintainers, ",") }},
	{"trigger-phrase", "trigger_phrase", func(c policy.Config) string { return c.TriggerPhrase }},
	{"schedule", "schedule", func(c policy.Config) string { return c.Schedule }},
	{"wip-limit", "wip_limit", func(c policy.Config) string { return strconv.Itoa(c.WIPLimit) }},
	{"max-attempts", "max_attempts", func(c policy.Config) string { return strconv.Itoa(c.MaxAttempts) }},
	{"stale-timeout", "stale_timeout", func(c policy.Config) string { return c.StaleTimeout.String() }},
	{"heartbeat-interval", "heartbeat_interval", func(c policy.Config) string { return c.HeartbeatInterval.String() }},
	{"max-turns", "inner.max_turns", func(c policy.Config) string { return strconv.Itoa(c.Inner.MaxTurns) }},
	{"timeout-minutes", "inner.timeout_minutes", func(c policy.Config) string { return strconv.Itoa(c.Inner.TimeoutMinutes) }},
	{"model-auth", "inner.model_auth", func(c policy.Config) string { return c.Inner.ModelAuth }},
}

func initRun(s streams, opts initOptions) error {
	if err := scaffold.CheckWorkTree(opts.dir); err != nil {
		return err
	}
	existing, exists, err := scaffold.LoadConfig(opts.dir)
	if err != nil {
		return err
	}
	cfg := opts.config
	if exists {
		// config.json is the repository's: flags may repeat it, not change it.
		for _, fk := range flagKeys {
			if opts.set[fk.flag] && fk.get(cfg) != fk.get(existing) {
				return fmt.Errorf("--%s %q disagrees with %s, where %s is %q: change it there and run \"nanobots update\"",
					fk.flag, fk.get(cfg), scaffold.ConfigPath, fk.key, fk.get(existing))
			}
		}
		for _, cmd := range append(append([]string{}, opts.testCommands...), opts.lintCommands...) {
			tool, err := commandTool(cmd)
			if err != nil {
				return err
			}
			if !slices.Contains(existing.Inner.AllowedTools, tool) {
				return fmt.Errorf("%s does not allow %q: add %q to inner.allowed_tools there and run \"nanobots update\"",
					scaffold.ConfigPath, cmd, tool)
			}
		}
		cfg = existing
	} else {
		if cfg, err = completeConfig(s, opts, cfg); err != nil {
			return err
		}
	}
	in := version.Get()
	engine, err := scaffold.PinEngine(in.Version, in.Commit, opts.actionRef)
	if err != nil {
		return fmt.Errorf("--action-ref: %w", err)
	}
	res, err := scaffold.Init(scaffold.InitOptions{Dir: opts.dir, Config: cfg, Version: in.Version, Commit: in.Commit, ActionRef: opts.actionRef, DryRun: opts.dryRun})
	if err != nil {
		return err
	}
	if err := warnUnpinned(s, engine); err != nil {
		return err
	}
	if err := res.Print(s.Out, true); err != nil {
		return err
	}
	switch {
	case opts.dryRun:
		_, err = fmt.Fprintf(s.Out, "dry run: %s would be written; nothing was\n", files(res.Written()))
	case res.Written() == 0:
		_, err = fmt.Fprintln(s.Out, "nothing to write: everything init writes is already there")
	default:
		_, err = fmt.Fprintf(s.Out, "%s written. Next:\n", files(res.Written()))
		if err == nil {
			err = nextSteps(s.Out, cfg)
		}
	}
	return err
}

// nextSteps says everything that stands between the files init wrote and a
// loop that runs, in order.
func nextSteps(w io.Writer, cfg policy.Config) error {
	_, err := fmt.Fprintf(w, `  1. Add the repository's secrets (Settings > Secrets and variables > Actions):
       gh secret set NANOBOTS_DISPATCH_TOKEN --repo %[1]s
     a classic PAT of %[2]s with the scopes repo and project (a machine user is
     best as the dispatcher: the loop's pull requests are %[2]s's, and nobody
     can approve their own), and the model credential:
       gh secret set %[3]s --repo %[1]s
  2. Install the Claude GitHub App on %[1]s: https://github.com/apps/claude
  3. Review, commit and push the files above to the default branch:
       git add -A && git commit -m "Run this repository with nanobots" && git push
  4. Check what the loop needs, with the same PAT in NANOBOTS_DISPATCH_TOKEN:
       nanobots doctor
     Until step 5 it reports the labels, the board's fields and the status issue
     missing: an issue form's label that does not exist is dropped, so no issue
     filed through a form would reach the loop.
  5. Create those, link the board to the repository, and check again:
       nanobots bootstrap --link
       nanobots doctor
`, cfg.Repo, cfg.Dispatcher, cfg.ModelSecret())
	return err
}

// commandTool is the --allowedTools entry that lets the agent run cmd with
// any arguments: "go test" becomes "Bash(go test:*)". An entry already in
// that form is kept.
func commandTool(cmd string) (string, error) {
	cmd = strings.Join(strings.Fields(cmd), " ")
	tool := cmd
	if !strings.HasPrefix(cmd, "Bash(") {
		tool = "Bash(" + strings.TrimSuffix(cmd, ":*") + ":*)"
	}
	if cmd == "" {
		return "", errors.New("an empty command cannot be allowed")
	}
	if err := policy.CheckAllowedTool(tool); err != nil {
		return "", fmt.Errorf("command %q: %w", cmd, err)
	}
	return tool, nil
}

// allowCommands adds the test and lint commands to tools, asking for them
// on a terminal when no flag gave any, and makes sure a retry can fetch an
// earlier attempt's branch.
func allowCommands(ask *asker, tools, test, lint []string) ([]string, error) {
	for _, kind := range []struct {
		flag, question string
		cmds           []string
	}{
		{"test-command", "Command that runs the tests, such as \"go test\" (empty for none)", test},
		{"lint-command", "Command that runs the linter, such as \"golangci-lint run\" (empty for none)", lint},
	} {
		cmds := kind.cmds
		if len(cmds) == 0 && ask.s.InTTY {
			v, err := ask.optional(kind.question, func(v string) error { _, err := commandTool(v); return err })
			if err != nil {
				return nil, err
			}
			if v != "" {
				cmds = []string{v}
			}
		}
		for _, cmd := range cmds {
			tool, err := commandTool(cmd)
			if err != nil {
				return nil, fmt.Errorf("--%s: %w", kind.flag, err)
			}
			tools = appendNew(tools, tool)
		}
	}
	return appendNew(tools, "Bash(git fetch:*)"), nil
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list[:len(list):len(list)], v)
}

// completeConfig fills in what flags did not give: defaults derived from
// the origin remote and the dispatcher, then, on a terminal, answers to
// prompts. It never prompts when standard input is not a terminal.
func completeConfig(s streams, opts initOptions, c policy.Config) (policy.Config, error) {
	dir, set := opts.dir, opts.set
	// Refuse a bad flag before asking for anything else.
	for _, fc := range []struct {
		flag  string
		value string
		check func(string) error
	}{
		{"owner", c.Project.Owner, policy.CheckLogin},
		{"owner-type", c.Project.OwnerType, policy.CheckOwnerType},
		{"repo", c.Repo, policy.CheckRepo},
		{"dispatcher", c.Dispatcher, policy.CheckLogin},
		{"trigger-phrase", c.TriggerPhrase, policy.CheckTriggerPhrase},
		{"schedule", c.Schedule, policy.CheckSchedule},
		{"model-auth", c.Inner.ModelAuth, policy.CheckModelAuth},
	} {
		if set[fc.flag] {
			if err := fc.check(fc.value); err != nil {
				return c, fmt.Errorf("--%s: %w", fc.flag, err)
			}
		}
	}
	for _, m := range c.Maintainers {
		if err := policy.CheckLogin(m); err != nil {
			return c, fmt.Errorf("--maintainer: %w", err)
		}
	}
	for flag, cmds := range map[string][]string{"test-command": opts.testCommands, "lint-command": opts.lintCommands} {
		for _, cmd := range cmds {
			if _, err := commandTool(cmd); err != nil {
				return c, fmt.Errorf("--%s: %w", flag, err)
			}
		}
	}
	if set["project"] {
		if err := policy.CheckProjectNumber(c.Project.Number); err != nil {
			return c, fmt.Errorf("--project: %w", err)
		}
	}
	if c.Repo == "" {
		if r, ok := scaffold.OriginRepo(dir); ok && policy.CheckRepo(r) == nil {
			c.Repo = r
		}
	}
	ask := newAsker(s)
	var err error
	if c.Repo == "" {
		if c.Repo, err = ask.value("repo", "GitHub repository (owner/name)", "", policy.CheckRepo); err != nil {
			return c, err
		}
	}
	repoOwner, _, _ := strings.Cut(c.Repo, "/")
	if c.Project.Owner == "" {
		if s.InTTY {
			c.Project.Owner, err = ask.value("owner", "Owner of the project board (user or organization login)", repoOwner, policy.CheckLogin)
		} else {
			c.Project.Owner = repoOwner
		}
		if err != nil {
			return c, err
		}
	}
	if !set["owner-type"] && s.InTTY {
		if c.Project.OwnerType, err = ask.value("owner-type", fmt.Sprintf("Is %s a user or an organization", c.Project.Owner), c.Project.OwnerType, policy.CheckOwnerType); err != nil {
			return c, err
		}
	}
	if c.Project.Number == 0 {
		n, err := ask.value("project", "Project board number (the NUMBER in .../projects/NUMBER)", "", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			return policy.CheckProjectNumber(n)
		})
		if err != nil {
			return c, err
		}
		c.Project.Number, _ = strconv.Atoi(n)
	}
	if c.Dispatcher == "" {
		if c.Dispatcher, err = ask.value("dispatcher", "Login whose PAT posts dispatch comments", "", policy.CheckLogin); err != nil {
			return c, err
		}
	}
	if len(c.Maintainers) == 0 {
		c.Maintainers = []string{c.Dispatcher}
	}
	if c.Inner.AllowedTools, err = allowCommands(ask, c.Inner.AllowedTools, opts.testCommands, opts.lintCommands); err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, flagErrors(err)
	}
	return c, nil
}

// flagErrors rewrites config keys in validation errors to the flags that set
// them, so the message names what the user typed.
func flagErrors(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, line := range lines {
		for _, fk := range flagKeys {
			if rest, ok := strings.CutPrefix(line, fk.key); ok && (strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, ":")) {
				lines[i] = "--" + fk.flag + rest
				break
			}
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}

// asker prompts on a terminal and refuses to when there is none.
type asker struct {
	s  streams
	in *bufio.Reader
}

func newAsker(s streams) *asker { return &asker{s: s, in: bufio.NewReader(s.In)} }

// value asks for a flag's value, offering def, until check accepts it.
func (a *asker) value(flag, question, def string, check func(string) error) (string, error) {
	if !a.s.InTTY {
		return "", fmt.Errorf("missing --%s: %s (standard input is not a terminal, so nanobots does not ask)", flag, strings.ToLower(question[:1])+question[1:])
	}
	for tries := 0; tries < 3; tries++ {
		if def != "" {
			fmt.Fprintf(a.s.Err, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(a.s.Err, "%s: ", question)
		}
		line, err := a.in.ReadString('\n')
		v := strings.TrimSpace(line)
		if v == "" {
			v = def
		}
		if v != "" {
			if cerr := check(v); cerr == nil {
				return v, nil
			} else {
				fmt.Fprintf(a.s.Err, "  %v\n", cerr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no valid --%s given", flag)
}

// optional asks a question whose answer may be empty, until check accepts
// a non-empty one; end of input is an empty answer.
func (a *asker) optional(question string, check func(string) error) (string, error) {
	for tries := 0; tries < 3; tries++ {
		fmt.Fprintf(a.s.Err, "%s: ", question)
		line, err := a.in.ReadString('\n')
		v := strings.TrimSpace(line)
		if v == "" {
			return "", nil
		}
		cerr := check(v)
		if cerr == nil {
			return v, nil
		}
		fmt.Fprintf(a.s.Err, "  %v\n", cerr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return "", errors.New("no valid answer given")
}
