package ghsim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault is a failure to inject into the simulator's answers.
type Fault struct {
	// Name labels the fault in the request log.
	Name string
	// Route selects requests: a REST operationId ("issues/create-comment"),
	// "graphql" for every GraphQL request, "graphql:query" or
	// "graphql:mutation", or "graphql:<root field>" ("graphql:addComment").
	// Empty matches every request.
	Route string
	// Nth fires the fault on the Nth matching request (1-based); 0 = the first.
	Nth int
	// Times is how many matching requests in a row it fires on (default 1;
	// -1 = every one from the Nth on).
	Times int

	// Status answers with this HTTP status and Body (GitHub's error body for
	// the status when Body is empty).
	Status int
	Body   string
	// RetryAfter sets the Retry-After header, in seconds.
	RetryAfter int
	// Secondary answers as GitHub's secondary rate limit: 403, its message,
	// and Retry-After (60 s unless RetryAfter says otherwise).
	Secondary bool
	// GraphQLType answers a GraphQL request with HTTP 200 and one error of
	// this type (RATE_LIMITED, STALE_DATA, NOT_FOUND …) and Message.
	GraphQLType string
	Message     string
	// RateLimit answers a GraphQL request as GitHub does when the primary
	// limit refuses it, in one of the two forms seen in the wild
	// (RateLimitedForm or RateLimitCodeForm), with HTTP 200 and the
	// x-ratelimit-* headers as they stand: remaining need not be 0.
	RateLimit RateLimitForm
	// Latency delays the answer.
	Latency time.Duration
	// After carries the request out first and then fails its answer, as a
	// 502 from GitHub can hide a write that happened.
	After bool
}

// RateLimitForm is how a rate-limited GraphQL answer names its error.
type RateLimitForm string

const (
	// RateLimitedForm is {"type": "RATE_LIMITED", "message": …}.
	RateLimitedForm RateLimitForm = "RATE_LIMITED"
	// RateLimitCodeForm is {"type": "RATE_LIMIT", "code":
	// "graphql_rate_limit", "message": …}, also seen live in 2026.
	RateLimitCodeForm RateLimitForm = "RATE_LIMIT"
)

// rateLimitError is the error entry of a rate-limited GraphQL answer.
func rateLimitError(form RateLimitForm, userID int64) map[string]any {
	e := map[string]any{"type": string(form), "message": fmt.Sprintf("API rate limit already exceeded for user ID %d.", userID)}
	if form == RateLimitCodeForm {
		e["code"] = "graphql_rate_limit"
	}
	return e
}

type faultState struct {
	Fault
	seen, fired int
}

type faults struct {
	mu   sync.Mutex
	list []*faultState
}

func (f *faults) add(ft Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ft.Nth <= 0 {
		ft.Nth = 1
	}
	if ft.Times == 0 {
		ft.Times = 1
	}
	f.list = append(f.list, &faultState{Fault: ft})
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = nil
}

// match returns the fault to apply to a request, if any. Every fault counts
// every request it matches, so Nth means the Nth such request whatever other
// faults did to the ones before it.
func (f *faults) match(route, operation string, fields []string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	var fire *faultState
	for _, st := range f.list {
		if !routeMatches(st.Route, route, operation, fields) {
			continue
		}
		st.seen++
		if fire == nil && st.seen >= st.Nth && (st.Times < 0 || st.fired < st.Times) {
			fire = st
		}
	}
	if fire == nil {
		return nil
	}
	fire.fired++
	ft := fire.Fault
	return &ft
}

func routeMatches(want, route, operation string, fields []string) bool {
	switch {
	case want == "" || want == route:
		return true
	case route != "graphql" || !strings.HasPrefix(want, "graphql:"):
		return false
	}
	sel := strings.TrimPrefix(want, "graphql:")
	if sel == operation {
		return true
	}
	for _, f := range fields {
		if f == sel {
			return true
		}
	}
	return false
}

// write sends the fault's answer.
func (ft *Fault) write(w http.ResponseWriter, graphql bool, userID int64) int {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if ft.RetryAfter > 0 {
		h.Set("Retry-After", fmt.Sprint(ft.RetryAfter))
	}
	switch {
	case ft.Secondary:
		if ft.RetryAfter == 0 {
			h.Set("Retry-After", "60")
		}
		writeJSON(w, http.StatusForbidden, map[string]any{
			"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			"status":            "403",
		})
		return http.StatusForbidden
	case ft.RateLimit != "" && graphql:
		writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []any{rateLimitError(ft.RateLimit, userID)}})
		return http.StatusOK
	case ft.GraphQLType != "" && graphql:
		msg := ft.Message
		if msg == "" {
			msg = "injected " + ft.GraphQLType
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []any{map[string]any{"type": ft.GraphQLType, "message": msg}}})
		return http.StatusOK
	}
	status := ft.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	if ft.Body != "" {
		w.WriteHeader(status)
		w.Write([]byte(ft.Body))
		return status
	}
	writeJSON(w, status, errorBody(status, ft.Message, ""))
	return status
}
