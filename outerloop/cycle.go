// Package outerloop is one cycle of the nanobots outer loop: observe reads a
// snapshot of GitHub, the planner (package plan) turns it into actions,
// apply carries them out, each one safe to repeat, and report keeps the
// status issue current. Only observe, apply and report talk to GitHub.
package outerloop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// Options are the inputs of one cycle.
type Options struct {
	// Dir is the root of the repository's checkout, where .nanobots/ is.
	Dir string
	// Settings say where GitHub is and hold the two tokens.
	Settings ghclient.Settings
	// DryRun plans and reports, and writes nothing.
	DryRun bool
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// ClientOptions are passed to every client (tests set a clock).
	ClientOptions []ghclient.Option
	// Reserve is how many GraphQL points the cycle leaves unspent: below
	// it, the cycle plans and reports but writes nothing, so the
	// maintainer's other tools keep working. Zero means DefaultReserve.
	Reserve int
	// RunURL is the Actions run's address, linked from the status issue
	// ("" outside Actions).
	RunURL string
}

// DefaultReserve is the GraphQL points a cycle leaves for everyone else
// (of the 5,000 an hour a user gets).
const DefaultReserve = 500

// Result is what a cycle saw, planned and did.
type Result struct {
	Repo   string      `json:"repo"`
	Board  string      `json:"board"`
	Viewer string      `json:"viewer"`
	Plan   plan.Plan   `json:"plan"`
	Done   []plan.Done `json:"done"`
	DryRun bool        `json:"dry_run"`
	// Held says why a plan with writes was not carried out (the reserve).
	Held string `json:"held,omitempty"`
	// Requests and Points are what the cycle cost, reads and writes, as the
	// clients counted them; Remaining is the GraphQL points left.
	Requests  int `json:"requests"`
	Points    int `json:"points"`
	Remaining int `json:"remaining"`
	// Heartbeat is what the report step did to the status issue (in a
	// dry run, what it would do); nil when the cycle stopped before it.
	Heartbeat *Heartbeat     `json:"heartbeat,omitempty"`
	KeepAlive *KeepAlive     `json:"keepalive,omitempty"` // see KeepScheduleAlive
	Policy    *policy.Policy `json:"-"`
	Snapshot  *plan.Snapshot `json:"-"`
}

// PolicyError is an error in the repository's policy files: each line of
// Err names a file, line and fix, and the cycle wrote nothing.
type PolicyError struct{ Err error }

func (e *PolicyError) Error() string {
	return e.Err.Error() + "\nnothing was written: fix the files above and run again"
}

func (e *PolicyError) Unwrap() error { return e.Err }

// Run runs one cycle: load the policy, observe, plan, apply, and report
// on the status issue (see Heartbeat). It writes nothing when the policy is
// invalid, when the tokens are not what the policy says, when the board
// lacks options the plan needs, or when the rate limit is below the
// reserve; a dry run writes nothing and says what it would write.
func Run(ctx context.Context, opts Options) (*Result, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	p, err := policy.Read(os.DirFS(opts.Dir))
	if err != nil {
		return nil, &PolicyError{Err: err}
	}
	cfg := p.Config
	set := opts.Settings
	if set.Repository != "" && !strings.EqualFold(set.Repository, cfg.Repo) {
		return nil, fmt.Errorf("this run is in %s, but .nanobots/config.json says \"repo\": %q: fix the config", set.Repository, cfg.Repo)
	}
	if set.DispatchToken == "" {
		return nil, fmt.Errorf("%s is not set: it must hold a classic personal access token of @%s with the repo and project scopes", ghclient.EnvDispatchToken, cfg.Dispatcher)
	}
	if set.Token != "" && set.Token == set.DispatchToken {
		return nil, fmt.Errorf("%s and %s hold the same token: %s must be the Actions token, and dispatching needs @%s's own", ghclient.EnvToken, ghclient.EnvDispatchToken, ghclient.EnvToken, cfg.Dispatcher)
	}
	var c Clients
	if c.Dispatch, err = ghclient.New(set, set.DispatchToken, opts.ClientOptions...); err != nil {
		return nil, err
	}
	if set.Token != "" {
		if c.Bot, err = ghclient.New(set, set.Token, opts.ClientOptions...); err != nil {
			return nil, err
		}
	}

	s, err := Observe(ctx, c.Dispatch, p, now())
	if err != nil {
		return nil, err
	}
	res := &Result{Repo: cfg.Repo, Board: s.Board.URL, Viewer: s.Viewer, DryRun: opts.DryRun, Policy: p, Snapshot: s}
	defer func() { res.count(c) }()
	if !strings.EqualFold(s.Viewer, cfg.Dispatcher) {
		return res, fmt.Errorf("%s belongs to @%s, but .nanobots/config.json names @%s as the dispatcher: the inner workflow only starts for the dispatcher, and the loop trusts only its markers. Use @%s's token, or change \"dispatcher\"",
			ghclient.EnvDispatchToken, s.Viewer, cfg.Dispatcher, cfg.Dispatcher)
	}
	res.Plan = plan.MakePlan(s, p, now())
	if len(res.Plan.Problems) > 0 && !res.Plan.Writes() {
		return res, fmt.Errorf("the cycle cannot go on:\n  %s", strings.Join(res.Plan.Problems, "\n  "))
	}
	if !opts.DryRun && res.Plan.Writes() {
		reserve := opts.Reserve
		if reserve == 0 {
			reserve = DefaultReserve
		}
		if s.Remaining < reserve {
			res.Held = fmt.Sprintf("only %d GraphQL points are left this hour, under the reserve of %d: nothing was written; the next cycle after the hourly reset carries the plan out", s.Remaining, reserve)
			return res, nil
		}
		res.Done, err = Apply(ctx, c, s, p, res.Plan, now)
	}
	var kerr error
	res.KeepAlive, kerr = KeepScheduleAlive(ctx, c.Dispatch, cfg, now(), opts.DryRun)
	herr := res.report(ctx, c, opts)
	return res, errors.Join(err, kerr, herr)
}

// count records what the clients counted.
func (r *Result) count(c Clients) { r.Requests, r.Points, r.Remaining = c.usage() }
