package plan

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
)

// AgentLogin is the login of the Claude GitHub App, whose bot writes
// claude-code-action's tracking comment (GraphQL names bots without the
// "[bot]" suffix).
const AgentLogin = "claude"

// The tracking comment opens with one of these once the run is over
// (claude-code-action v1, src/github/operations/comment-logic.ts).
const (
	agentFinished = "**Claude finished "
	agentFailed   = "**Claude encountered an error"
)

// maxAgentSummary is how much of the agent's final text a pull request the
// loop opens quotes.
const maxAgentSummary = 8000

type runState int

const (
	runRunning runState = iota // no tracking comment yet, or it says the run goes on
	runFinished
	runFailed
)

// agentResult is what the agent's run for one dispatch said on the issue.
type agentResult struct {
	state runState
	// url is the tracking comment's address; summary the agent's final
	// text without its learnings; learnings its Learnings section.
	url, summary, learnings string
}

// agentRun reads the tracking comment of the run a dispatch at since
// started: the newest comment by the Claude app's bot made after it. Only
// that bot's comments count: anyone can type "Claude finished".
func agentRun(is *model.Issue, since time.Time) agentResult {
	for i := len(is.Comments) - 1; i >= 0; i-- {
		c := is.Comments[i]
		if c.Author.Type != "Bot" || strings.TrimSuffix(c.Author.Login, "[bot]") != AgentLogin || c.CreatedAt.Before(since) {
			continue
		}
		body := strings.TrimSpace(c.Body)
		r := agentResult{url: c.URL}
		switch {
		case strings.HasPrefix(body, agentFinished):
			r.state = runFinished
		case strings.HasPrefix(body, agentFailed):
			r.state = runFailed
		default:
			return r
		}
		// The header and its links take the first lines, up to the "---"
		// rule the action puts before the agent's own text.
		text := body
		if _, after, ok := strings.Cut(body, "\n---\n"); ok {
			text = after
		} else if _, after, ok := strings.Cut(body, "\n"); ok {
			text = after
		}
		r.learnings = LearningsSection(text)
		r.summary = strings.TrimSpace(withoutLearnings(text))
		return r
	}
	return agentResult{}
}

// jsSpace is JavaScript's \s, which claude-code-action's trigger pattern
// uses: ASCII whitespace and the Unicode spaces.
const jsSpace = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`

// Triggers reports whether body starts the agent as claude-code-action
// matches its trigger phrase: as a word, in any case.
func Triggers(body, phrase string) bool {
	re, ok := triggerREs.Load(phrase)
	if !ok {
		re, _ = triggerREs.LoadOrStore(phrase, regexp.MustCompile(`(?i)(^|`+jsSpace+`)`+regexp.QuoteMeta(phrase)+`(`+jsSpace+`|[.,!?;:]|$)`))
	}
	return re.(*regexp.Regexp).MatchString(body)
}

// triggerREs holds each trigger phrase's pattern, compiled once: every
// comment of every Ready item is matched against it, each cycle.
var triggerREs sync.Map

// handDispatch finds the comment, newer than the loop's newest note on the
// issue, in which the dispatcher or someone with write access started the
// agent by hand: the trigger phrase as the action matches it, in a comment
// that is not the loop's own dispatch. Anyone else's trigger starts no run
// (the inner workflow checks write access), so it is not one.
func (pl *planner) handDispatch(is *model.Issue, notes []ledger.Note) *model.Comment {
	var after time.Time
	if last := ledger.Last(notes, ledger.MarkTriage, ledger.MarkDispatch, ledger.MarkRequeue, ledger.MarkSummon); last != nil {
		after = last.Comment.CreatedAt
	}
	for i := len(is.Comments) - 1; i >= 0; i-- {
		c := is.Comments[i]
		if c.CreatedAt.Before(after) {
			break // a comment in the same second as the note may be after it
		}
		if c.Author.Type != "User" || ledger.HasMarker(c.Body, ledger.MarkDispatch) {
			continue
		}
		if Triggers(c.Body, pl.p.Config.TriggerPhrase) && pl.mayWrite(c.Author) {
			return &c
		}
	}
	return nil
}

// dispatchTime is when a dispatch note's attempt started: the time its
// note records for an attempt a person started by hand, else the note's own.
func dispatchTime(n ledger.Note) time.Time {
	if at := n.Int("at"); at > 0 {
		return time.Unix(int64(at), 0).UTC()
	}
	return n.Comment.CreatedAt
}
