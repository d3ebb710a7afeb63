package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// CheckLogin reports whether s is a valid GitHub user or organization login:
// 1 to 39 letters, digits or single hyphens, not starting or ending with one.
func CheckLogin(s string) error {
	if s == "" {
		return fmt.Errorf("login is empty")
	}
	if len(s) > 39 {
		return fmt.Errorf("login %q is longer than 39 characters", s)
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-':
			if i == 0 || i == len(s)-1 {
				return fmt.Errorf("login %q starts or ends with a hyphen", s)
			}
			if s[i-1] == '-' {
				return fmt.Errorf("login %q has two hyphens in a row", s)
			}
		default:
			return fmt.Errorf("login %q has %q: a login is letters, digits and single hyphens", s, r)
		}
	}
	return nil
}

var repoNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

// CheckRepo reports whether s is "owner/name" with a valid owner login and
// repository name.
func CheckRepo(s string) error {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(name, "/") {
		return fmt.Errorf("repository %q is not owner/name", s)
	}
	if err := CheckLogin(owner); err != nil {
		return fmt.Errorf("repository %q: owner: %w", s, err)
	}
	if !repoNameRE.MatchString(name) || name == "." || name == ".." {
		return fmt.Errorf("repository %q: name %q is not 1 to 100 letters, digits, '.', '-' or '_'", s, name)
	}
	return nil
}

// CheckProjectNumber reports whether n can be a Projects v2 number.
func CheckProjectNumber(n int) error {
	if n < 1 {
		return fmt.Errorf("project number %d is not a positive whole number (it is the NUMBER in github.com/orgs/OWNER/projects/NUMBER)", n)
	}
	return nil
}

// CheckOwnerType reports whether s is "user" or "organization".
func CheckOwnerType(s string) error {
	if s != "user" && s != "organization" {
		return fmt.Errorf("owner type %q is neither \"user\" nor \"organization\"", s)
	}
	return nil
}

var triggerRE = regexp.MustCompile(`^[@/!]?[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// CheckTriggerPhrase reports whether s can be rendered into a workflow's
// `if:` expression and matched by claude-code-action: one word, optionally
// starting with @, / or !.
func CheckTriggerPhrase(s string) error {
	if !triggerRE.MatchString(s) {
		return fmt.Errorf("trigger phrase %q is not one word of letters, digits, '_', '.' or '-' (optionally starting with @, / or !), such as \"@claude\"", s)
	}
	return nil
}

// CheckSchedule reports whether s is a cron line GitHub Actions accepts and
// that suits the outer loop: five fields (no @hourly shortcuts), at most once
// every 5 minutes (GitHub's floor), and never at minute 0, when GitHub delays
// and drops scheduled runs the most.
func CheckSchedule(s string) error {
	fields := strings.Fields(s)
	if len(fields) != 5 {
		return fmt.Errorf("schedule %q has %d fields, want 5 (minute hour day month weekday), such as \"17,47 * * * *\"", s, len(fields))
	}
	sched, err := cron.ParseStandard(s)
	if err != nil {
		return fmt.Errorf("schedule %q: %w", s, err)
	}
	// Walk a week of firings: enough to see every minute and weekday pattern.
	t := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).Add(-time.Second)
	end := t.Add(8 * 24 * time.Hour)
	var prev time.Time
	for n := 0; n < 20000; n++ {
		next := sched.Next(t)
		if next.IsZero() || next.After(end) {
			break
		}
		if next.Minute() == 0 {
			return fmt.Errorf("schedule %q fires at minute 0, when GitHub delays and drops scheduled runs the most; pick an odd minute such as \"17,47 * * * *\"", s)
		}
		if !prev.IsZero() && next.Sub(prev) < 5*time.Minute {
			return fmt.Errorf("schedule %q fires more often than every 5 minutes, GitHub's shortest interval", s)
		}
		prev, t = next, next
	}
	if prev.IsZero() {
		return fmt.Errorf("schedule %q never fires", s)
	}
	return nil
}

var labelRE = regexp.MustCompile(`^[^,\s][^,]{0,49}$`)

// CheckLabel reports whether s can be a GitHub label name.
func CheckLabel(s string) error {
	if !labelRE.MatchString(s) || strings.TrimSpace(s) != s {
		return fmt.Errorf("label %q is not 1 to 50 characters without commas or surrounding spaces", s)
	}
	return nil
}

var branchRE = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// CheckBranch reports whether s is a plain branch name.
func CheckBranch(s string) error {
	if !branchRE.MatchString(s) || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") ||
		strings.Contains(s, "..") || strings.Contains(s, "//") || strings.HasSuffix(s, ".lock") {
		return fmt.Errorf("branch %q is not a plain branch name such as \"nanobots/learnings\"", s)
	}
	return nil
}

// CheckModelAuth reports whether s names a claude-code-action credential input.
func CheckModelAuth(s string) error {
	if s != "anthropic_api_key" && s != "claude_code_oauth_token" {
		return fmt.Errorf("model auth %q is neither \"anthropic_api_key\" nor \"claude_code_oauth_token\"", s)
	}
	return nil
}

var toolRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\([^"'\n()]*\))?$`)

// CheckAllowedTool reports whether s is a Claude Code tool pattern such as
// "Bash(go test:*)" that can be passed inside --allowedTools "…".
func CheckAllowedTool(s string) error {
	if !toolRE.MatchString(s) || strings.Contains(s, ",") {
		return fmt.Errorf("allowed tool %q is not a tool pattern such as \"Bash(go test:*)\" (no quotes, commas or nested parentheses)", s)
	}
	return nil
}

// problem is one invalid value, at the key path where it was found.
type problem struct {
	key string // dotted key path, e.g. "project.number"; "" for the whole file
	msg string
}

// validate checks every value of c and returns what is wrong with each.
func (c Config) validate() []problem {
	var ps []problem
	add := func(key string, err error, fix string) {
		if err != nil {
			msg := key + ": " + err.Error()
			if fix != "" {
				msg += ", " + fix
			}
			ps = append(ps, problem{key, msg})
		}
	}
	if c.Version != 1 {
		ps = append(ps, problem{"version", fmt.Sprintf("version %d is not one this nanobots reads, set it to 1 (or update nanobots)", c.Version)})
	}
	required := func(key, v, fix string) bool {
		if v == "" {
			ps = append(ps, problem{key, fmt.Sprintf("%q is missing or empty, %s", key, fix)})
			return false
		}
		return true
	}
	if required("project.owner", c.Project.Owner, "set it to the login that owns the board") {
		add("project.owner", CheckLogin(c.Project.Owner), "set it to the login that owns the board")
	}
	add("project.owner_type", CheckOwnerType(c.Project.OwnerType), "set it to \"user\" or \"organization\"")
	add("project.number", CheckProjectNumber(c.Project.Number), "set it to the board's number")
	if required("repo", c.Repo, "set it to \"owner/name\"") {
		add("repo", CheckRepo(c.Repo), "set it to \"owner/name\"")
	}
	if required("dispatcher", c.Dispatcher, "set it to the login whose PAT posts dispatch comments") {
		add("dispatcher", CheckLogin(c.Dispatcher), "set it to the login whose PAT posts dispatch comments")
	}
	add("trigger_phrase", CheckTriggerPhrase(c.TriggerPhrase), "for example \"@claude\"")
	for i, m := range c.Maintainers {
		add(fmt.Sprintf("maintainers.%d", i), CheckLogin(m), "list GitHub logins")
	}
	add("schedule", CheckSchedule(c.Schedule), "")
	positive := func(key string, v int, what string) {
		if v < 1 {
			ps = append(ps, problem{key, fmt.Sprintf("%s is %d, want a whole number of at least 1", key, v) + ", " + what})
		}
	}
	positive("wip_limit", c.WIPLimit, "it is how many items may be In Progress at once")
	positive("max_attempts", c.MaxAttempts, "it is how often an item is dispatched before it is Blocked")
	if c.StaleTimeout < Duration(10*time.Minute) {
		ps = append(ps, problem{"stale_timeout", fmt.Sprintf("stale_timeout %q is shorter than 10m, set it above the inner workflow's usual run time, such as \"3h\"", c.StaleTimeout)})
	}
	if c.HeartbeatInterval < Duration(time.Hour) {
		ps = append(ps, problem{"heartbeat_interval", fmt.Sprintf("heartbeat_interval %q is shorter than 1h, set it to a few hours such as \"6h\" (each heartbeat is an edit)", c.HeartbeatInterval)})
	}
	if strings.TrimSpace(c.StatusIssueTitle) == "" {
		ps = append(ps, problem{"status_issue_title", "status_issue_title is empty, set it to the title of the pinned status issue"})
	}
	add("labels.inbox", CheckLabel(c.Labels.Inbox), "the issue forms add this label")
	add("labels.summon_human", CheckLabel(c.Labels.SummonHuman), "use a short label name")
	if c.Labels.Inbox == c.Labels.SummonHuman && c.Labels.Inbox != "" {
		ps = append(ps, problem{"labels.summon_human", fmt.Sprintf("labels.summon_human is %q, the same as labels.inbox, give it its own name", c.Labels.SummonHuman)})
	} else if strings.EqualFold(c.Labels.Inbox, c.Labels.SummonHuman) && c.Labels.Inbox != "" {
		ps = append(ps, problem{"labels.summon_human", fmt.Sprintf("labels.summon_human is %q and labels.inbox is %q, one label to GitHub (it ignores case), give each its own name", c.Labels.SummonHuman, c.Labels.Inbox)})
	}
	for _, l := range []struct{ key, name string }{{"labels.inbox", c.Labels.Inbox}, {"labels.summon_human", c.Labels.SummonHuman}} {
		for _, fixed := range []string{LabelStatus, LabelDistill, LabelBuilt} {
			if strings.EqualFold(l.name, fixed) {
				ps = append(ps, problem{l.key, fmt.Sprintf("%s is %q, a label the loop gives its own issues, give it another name", l.key, l.name)})
			}
		}
	}
	add("learnings.branch", CheckBranch(c.Learnings.Branch), "use a branch name")
	positive("learnings.distill_threshold", c.Learnings.DistillThreshold, "it is how many new LEARNINGS entries trigger a distill")
	positive("inner.max_turns", c.Inner.MaxTurns, "it is passed to Claude as --max-turns")
	if c.Inner.TimeoutMinutes < 1 || c.Inner.TimeoutMinutes > 360 {
		ps = append(ps, problem{"inner.timeout_minutes", fmt.Sprintf("inner.timeout_minutes is %d, want 1 to 360 (GitHub stops a job at 6 hours)", c.Inner.TimeoutMinutes)})
	}
	add("inner.model_auth", CheckModelAuth(c.Inner.ModelAuth), "it names the secret that holds the model credential")
	for i, tool := range c.Inner.AllowedTools {
		add(fmt.Sprintf("inner.allowed_tools.%d", i), CheckAllowedTool(tool), "fix or remove it")
	}
	return ps
}

// Validate reports every invalid value of c, each naming its key and saying
// what is wrong, and how to fix it. Parse reports the same problems with file positions; this
// is for values that came from elsewhere, such as command-line flags.
func (c Config) Validate() error {
	var errs []error
	for _, p := range c.validate() {
		errs = append(errs, errors.New(p.msg))
	}
	return errors.Join(errs...)
}
