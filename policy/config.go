// Package policy reads the repository's own policy files (.nanobots/config.json,
// the rubric TRIAGE.md, RECIPES.md and the prompts) and the bodies of
// submitted issue forms. It turns them into plain values the outer loop's
// planner can use. It never touches the disk itself: Read takes an fs.FS (a
// checkout through os.DirFS, or files in memory), and only reads.
//
// Policy files are written by people. Every problem is reported as
// "path:line:col: what is wrong, and how to fix it", so a maintainer can act on
// it without reading Go. This package must never talk to GitHub, never write a
// file, and never guess a value the maintainer did not give (a missing key
// takes its documented default; a wrong one is an error, not a fallback).
//
// An issue body is written by anyone: ParseForm never fails, trusts nothing
// it reads, and takes time linear in the body's length.
package policy

import (
	"encoding/json"
	"fmt"
	"time"
)

// Config is .nanobots/config.json. Every key that `nanobots init` writes is a
// field here, and a test renders the file and checks every field is set from
// it, so no key is written that no code reads.
type Config struct {
	// Version is the format of this file, so a later nanobots can migrate it.
	Version int `json:"version"`
	// Project is the Projects v2 board the outer loop drives.
	Project Project `json:"project"`
	// Repo is "owner/name" of the repository the loops run in.
	Repo string `json:"repo"`
	// Dispatcher is the login whose classic PAT (the NANOBOTS_DISPATCH_TOKEN
	// secret) posts dispatch comments. The inner workflow runs for it, and
	// markers count only when this login (or the Actions bot) wrote them.
	Dispatcher string `json:"dispatcher"`
	// TriggerPhrase starts a dispatch comment. The inner workflow's `if:` and
	// claude-code-action's trigger_phrase are both rendered from this one value.
	TriggerPhrase string `json:"trigger_phrase"`
	// Maintainers are the logins the loop mentions when a human is needed.
	Maintainers []string `json:"maintainers"`
	// Schedule is the outer workflow's cron line (UTC, five fields).
	Schedule string `json:"schedule"`
	// WIPLimit is how many items may be In Progress at once.
	WIPLimit int `json:"wip_limit"`
	// MaxAttempts is how often one item is dispatched before it is Blocked.
	MaxAttempts int `json:"max_attempts"`
	// StaleTimeout is how long a dispatched item may go without a PR.
	StaleTimeout Duration `json:"stale_timeout"`
	// HeartbeatInterval is how often the status issue is rewritten when
	// nothing changed, so a reader can tell the loop is alive.
	HeartbeatInterval Duration `json:"heartbeat_interval"`
	// StatusIssueTitle is the title of the one pinned status issue.
	StatusIssueTitle string `json:"status_issue_title"`
	// Labels names the labels the loops read and write.
	Labels Labels `json:"labels"`
	// Learnings says where LEARNINGS.md entries are committed and when they
	// are distilled into recipe proposals.
	Learnings Learnings `json:"learnings"`
	// Inner configures the inner workflow (claude-code-action).
	Inner Inner `json:"inner"`
}

// Project identifies a Projects v2 board.
type Project struct {
	// Owner is the login of the user or organization that owns the board.
	Owner string `json:"owner"`
	// OwnerType is "user" or "organization": GraphQL reaches the two through
	// different fields.
	OwnerType string `json:"owner_type"`
	// Number is the board's number, as in github.com/orgs/OWNER/projects/NUMBER.
	Number int `json:"number"`
}

// Labels are the label names the loops use.
type Labels struct {
	// Inbox is added by every issue form; the loop picks these issues up.
	Inbox string `json:"inbox"`
	// SummonHuman freezes an item until a maintainer removes it.
	SummonHuman string `json:"summon_human"`
}

// Learnings configures LEARNINGS.md.
type Learnings struct {
	// Branch receives LEARNINGS.md commits, so the loop never pushes to a
	// protected default branch.
	Branch string `json:"branch"`
	// DistillThreshold is how many new entries trigger a distill brief.
	DistillThreshold int `json:"distill_threshold"`
}

// Inner configures the inner workflow.
type Inner struct {
	// MaxTurns is passed to Claude as --max-turns: a soft guard only.
	MaxTurns int `json:"max_turns"`
	// TimeoutMinutes is the job's timeout-minutes: the action has none.
	TimeoutMinutes int `json:"timeout_minutes"`
	// ModelAuth names the action input that carries the model credential:
	// "anthropic_api_key" or "claude_code_oauth_token".
	ModelAuth string `json:"model_auth"`
	// AllowedTools are passed as --allowedTools; Bash is off unless listed.
	AllowedTools []string `json:"allowed_tools"`
}

// ModelSecret is the name of the repository secret that holds the model
// credential for c.Inner.ModelAuth, e.g. ANTHROPIC_API_KEY.
func (c Config) ModelSecret() string {
	switch c.Inner.ModelAuth {
	case "claude_code_oauth_token":
		return "CLAUDE_CODE_OAUTH_TOKEN"
	default:
		return "ANTHROPIC_API_KEY"
	}
}

// Duration is a time.Duration written as a Go duration string ("3h", "45m").
type Duration time.Duration

// MarshalJSON writes d as a duration string, e.g. "3h0m0s" becomes "3h".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string such as "3h" or "45m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errWantDuration
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errWantDuration
	}
	*d = Duration(v)
	return nil
}

var errWantDuration = fmt.Errorf("want a duration string such as \"3h\" or \"45m\"")

// String formats d without trailing zero units: "3h", "1h30m", "45m".
func (d Duration) String() string {
	s := time.Duration(d).String()
	// time.Duration prints "3h0m0s"; people write "3h".
	for _, suf := range []string{"0s", "0m"} {
		if len(s) > len(suf) && s[len(s)-len(suf):] == suf && (s[len(s)-len(suf)-1] < '0' || s[len(s)-len(suf)-1] > '9') {
			s = s[:len(s)-len(suf)]
		}
	}
	return s
}

// Default returns the configuration with every key that has a sensible
// default set. Project, Repo and Dispatcher identify one repository and have
// no default.
func Default() Config {
	return Config{
		Version:           1,
		Project:           Project{OwnerType: "organization"},
		TriggerPhrase:     "@claude",
		Schedule:          "17,47 * * * *",
		WIPLimit:          2,
		MaxAttempts:       3,
		StaleTimeout:      Duration(3 * time.Hour),
		HeartbeatInterval: Duration(6 * time.Hour),
		StatusIssueTitle:  "nanobots status",
		Labels: Labels{
			Inbox:       "nanobots:inbox",
			SummonHuman: "summon-human",
		},
		Learnings: Learnings{
			Branch:           "nanobots/learnings",
			DistillThreshold: 10,
		},
		Inner: Inner{
			MaxTurns:       60,
			TimeoutMinutes: 60,
			ModelAuth:      "anthropic_api_key",
			AllowedTools: []string{
				"Bash(gh pr create:*)",
				"Bash(gh pr view:*)",
				"Bash(gh issue view:*)",
			},
		},
	}
}
