package plan

import (
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/gql/model"
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
