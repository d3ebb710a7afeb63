package ghsim

import (
	"sync"
	"time"
)

// Limits are the rate limits the simulator enforces, per login. The defaults
// are GitHub's for a personal access token (github-api.md §2).
type Limits struct {
	// Core is REST requests an hour; GraphQL is GraphQL points an hour.
	Core, GraphQL int
	// ContentPerMinute and ContentPerHour bound content-creating requests
	// (REST POST/PUT/PATCH/DELETE and GraphQL mutations): GitHub's secondary
	// limit of about 80 a minute and 500 an hour.
	ContentPerMinute, ContentPerHour int
}

// DefaultLimits are GitHub's limits for a user's token.
var DefaultLimits = Limits{Core: 5000, GraphQL: 5000, ContentPerMinute: 80, ContentPerHour: 500}

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

func (l *limiter) limitOf(resource string) int {
	if resource == "graphql" {
		return l.limits.GraphQL
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
	limit = l.limitOf(resource)
	if st.used+cost > limit {
		return *st, limit, false
	}
	st.used += cost
	return *st, limit, true
}

func (l *limiter) peek(login, resource string, now time.Time) (bucket, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return *l.state(login, resource, now), l.limitOf(resource)
}

// content records a content-creating request; it reports how long to wait
// when the secondary limit is hit.
func (l *limiter) content(login string, now time.Time) (retryAfter time.Duration, ok bool) {
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
	if l.limits.ContentPerMinute > 0 && perMinute >= l.limits.ContentPerMinute {
		return time.Minute, false
	}
	if l.limits.ContentPerHour > 0 && len(keep) >= l.limits.ContentPerHour {
		return keep[0].Add(time.Hour).Sub(now), false
	}
	l.writes[login] = append(keep, now)
	return 0, true
}
