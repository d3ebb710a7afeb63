package scaffold

import (
	"regexp"
	"slices"
	"strings"

	"github.com/nanobots-dev/nanobots/policy"
)

// TriggerRegexp is the rule by which claude-code-action recognises phrase
// in a comment, (^|\s)PHRASE([\s.,!?;:]|$) matched case-insensitively
// (src/github/validation/trigger.ts), written as a POSIX extended regular
// expression so that the inner workflow's check step can give it to grep -E
// and Go's regexp reads it the same way. \s becomes [[:space:]], the ASCII
// white space; the action's JavaScript \s also matches Unicode spaces, so
// the check is at most stricter than the action, never looser. The phrase
// is quoted with regexp.QuoteMeta, whose escapes mean the same in POSIX
// ERE for every character policy.CheckTriggerPhrase admits.
func TriggerRegexp(phrase string) string {
	return `(^|[[:space:]])` + regexp.QuoteMeta(phrase) + `([[:space:].,!?;:]|$)`
}

// commenters is the comma-separated list of logins whose comments the inner
// workflow lets claude-code-action show the agent (its
// include_comments_by_actor input): the dispatcher and the maintainers. Any
// other comment on the issue is text a stranger may have written.
func commenters(c policy.Config) string {
	logins := []string{c.Dispatcher}
	for _, m := range c.Maintainers {
		if !slices.ContainsFunc(logins, func(l string) bool { return strings.EqualFold(l, m) }) {
			logins = append(logins, m)
		}
	}
	return strings.Join(logins, ",")
}
