package ghsim

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limits are the rate limits the simulator enforces, per login. The defaults
// are GitHub's for a personal access token (github-api.md §2).
type Limits struct {
	// Core is REST requests an hour; GraphQL is GraphQL points an hour.
	Core, GraphQL int
	// ActionsCore and ActionsGraphQL are the same for a GITHUB_TOKEN
	// (a token starting "ghs_"): GitHub gives one 1,000 an hour, per
	// repository. Zero means Core and GraphQL.
	ActionsCore, ActionsGraphQL int
	// ContentPerMinute and ContentPerHour bound content-creating requests
	// (REST POST/PUT/PATCH/DELETE and GraphQL mutations): GitHub's secondary
	// limit of about 80 a minute and 500 an hour.
	ContentPerMinute, ContentPerHour int
	// ContentPerMutation counts each mutation of a GraphQL request (aliased
	// mutations batched in one document) against the content limits,
	// rather than the request once. How GitHub counts a batch is
	// undocumented (research note, row 14); this is the stricter reading,
	// and the default.
	ContentPerMutation bool
}

// DefaultLimits are GitHub's limits for a user's token, and for a
// GITHUB_TOKEN.
var DefaultLimits = Limits{Core: 5000, GraphQL: 5000, ActionsCore: 1000, ActionsGraphQL: 1000, ContentPerMinute: 80, ContentPerHour: 500, ContentPerMutation: true}

// TokenKind is what a token's prefix says it is. GitHub's tokens carry
// their kind in a prefix; anything else is an old classic token.
type TokenKind string

const (
	TokenClassic     TokenKind = "classic"      // ghp_, and classic tokens without a prefix
	TokenOAuth       TokenKind = "oauth"        // gho_: an OAuth app's token, classic scopes
	TokenFineGrained TokenKind = "fine-grained" // github_pat_
	TokenActions     TokenKind = "actions"      // ghs_: GITHUB_TOKEN or an App's installation token
	TokenAppUser     TokenKind = "app-user"     // ghu_: an App acting for a user
)

// KindOf tells a token's kind by its prefix.
func KindOf(token string) TokenKind {
	switch {
	case strings.HasPrefix(token, "github_pat_"):
		return TokenFineGrained
	case strings.HasPrefix(token, "ghs_"):
		return TokenActions
	case strings.HasPrefix(token, "ghu_"):
		return TokenAppUser
	case strings.HasPrefix(token, "gho_"):
		return TokenOAuth
	}
	return TokenClassic
}

// HasOAuthScopes reports whether GitHub answers requests made with a token
// of this kind with X-OAuth-Scopes: only classic PATs and OAuth tokens have
// scopes; fine-grained PATs and App tokens have permissions instead.
func (k TokenKind) HasOAuthScopes() bool { return k == TokenClassic || k == TokenOAuth }

// requestToken reads the token a request carries, "" for none.
func requestToken(r *http.Request) string {
	f := strings.Fields(r.Header.Get("Authorization"))
	if len(f) == 2 && (strings.EqualFold(f[0], "bearer") || strings.EqualFold(f[0], "token")) {
		return f[1]
	}
	return ""
}

// actionsHolder marks the bucket of a GITHUB_TOKEN; one such token stands
// for one repository, so its buckets are the repository's.
const actionsHolder = "\x00ghs:"

// limitHolder is whose buckets a request spends: the login's, or for a
// GITHUB_TOKEN its own (one repository's).
func (c *call) limitHolder() string {
	if tok := requestToken(c.r); KindOf(tok) == TokenActions {
		return actionsHolder + tok
	}
	return c.login()
}

type bucket struct {
	used  int
	reset time.Time
}

type limiter struct {
	mu      sync.Mutex
	limits  Limits
	buckets map[string]*bucket // login + "\x00" + resource
	writes  map[string][]time.Time
}

func newLimiter(l Limits) *limiter {
	return &limiter{limits: l, buckets: map[string]*bucket{}, writes: map[string][]time.Time{}}
}

func (l *limiter) limitOf(holder, resource string) int {
	actions := strings.HasPrefix(holder, actionsHolder)
	switch {
	case resource == "graphql" && actions && l.limits.ActionsGraphQL > 0:
		return l.limits.ActionsGraphQL
	case resource == "graphql":
		return l.limits.GraphQL
	case actions && l.limits.ActionsCore > 0:
		return l.limits.ActionsCore
	}
	return l.limits.Core
}

// state returns a login's bucket for resource, starting a new hour if the
// last one is over.
func (l *limiter) state(login, resource string, now time.Time) *bucket {
	k := login + "\x00" + resource
	b := l.buckets[k]
	if b == nil || !now.Before(b.reset) {
		b = &bucket{reset: now.Add(time.Hour).Truncate(time.Second)}
		l.buckets[k] = b
	}
	return b
}

// charge spends cost from the bucket; it reports false, spending nothing,
// when the bucket cannot pay.
func (l *limiter) charge(login, resource string, cost int, now time.Time) (b bucket, limit int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(login, resource, now)
	limit = l.limitOf(login, resource)
	if st.used+cost > limit {
		return *st, limit, false
	}
	st.used += cost
	return *st, limit, true
}

func (l *limiter) peek(login, resource string, now time.Time) (bucket, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return *l.state(login, resource, now), l.limitOf(login, resource)
}

// content records n content-creating writes (a request, or with
// ContentPerMutation each mutation of one); it reports how long to wait when
// the secondary limit is hit, recording nothing.
func (l *limiter) content(login string, n int, now time.Time) (retryAfter time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keep []time.Time
	perMinute := 0
	for _, t := range l.writes[login] {
		if now.Sub(t) < time.Hour {
			keep = append(keep, t)
			if now.Sub(t) < time.Minute {
				perMinute++
			}
		}
	}
	l.writes[login] = keep
	if l.limits.ContentPerMinute > 0 && perMinute+n > l.limits.ContentPerMinute {
		return time.Minute, false
	}
	if per := l.limits.ContentPerHour; per > 0 && len(keep)+n > per {
		// The oldest writes must age out before n more fit.
		i := len(keep) + n - per - 1
		if i >= len(keep) {
			return time.Hour, false // the batch alone is over the limit
		}
		return keep[i].Add(time.Hour).Sub(now), false
	}
	for range n {
		keep = append(keep, now)
	}
	l.writes[login] = keep
	return 0, true
}
