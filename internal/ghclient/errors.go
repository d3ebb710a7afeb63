package ghclient

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// RateLimitError says GitHub refused a request for a rate limit and the
// transport gave up waiting: the retries ran out, or the wait GitHub asked for
// is longer than the caller allows (a cron cycle should stop, not sleep an hour).
type RateLimitError struct {
	// Resource is GitHub's bucket: "core", "graphql", "search"…
	Resource string
	// Secondary is true for a secondary (abuse) limit, false for the hourly one.
	Secondary bool
	// Reset is when the primary limit resets, if GitHub said.
	Reset time.Time
	// RetryAfter is how long GitHub asked to wait, if it said.
	RetryAfter time.Duration
	// Status is the HTTP status of the last answer (403, 429, or 200 for GraphQL).
	Status  int
	Message string
}

func (e *RateLimitError) Error() string {
	kind := "primary"
	if e.Secondary {
		kind = "secondary"
	}
	msg := fmt.Sprintf("github %s rate limit (%s)", kind, orUnknown(e.Resource))
	switch {
	case e.RetryAfter > 0:
		msg += fmt.Sprintf(", retry after %s", e.RetryAfter)
	case !e.Reset.IsZero():
		msg += fmt.Sprintf(", resets at %s", e.Reset.UTC().Format(time.RFC3339))
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Is lets errors.Is(err, ErrRateLimited) match every rate-limit refusal.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// ServerError is a 5xx answer the transport did not (or could no longer) retry.
type ServerError struct {
	Method, URL string
	Status      int
	// Retried is how many times the request was sent again before giving up.
	Retried int
	// Unsafe is true for a write that was not retried: GitHub may have carried
	// it out before failing, so the caller must look before writing again.
	Unsafe bool
}

func (e *ServerError) Error() string {
	msg := fmt.Sprintf("github answered %d to %s %s", e.Status, e.Method, e.URL)
	if e.Retried > 0 {
		msg += fmt.Sprintf(" after %d retries", e.Retried)
	}
	if e.Unsafe {
		msg += " (a write, not retried: it may have been carried out)"
	}
	return msg
}

// The GraphQL error types GitHub sends in errors[].type, as sentinels for
// errors.Is. GraphQLError matches the one of its first typed error.
var (
	ErrNotFound    = errors.New("NOT_FOUND")
	ErrForbidden   = errors.New("FORBIDDEN")
	ErrRateLimited = errors.New("RATE_LIMITED")
	ErrStaleData   = errors.New("STALE_DATA")
	ErrInvalid     = errors.New("UNPROCESSABLE")
)

var typeSentinels = map[string]error{
	"NOT_FOUND":     ErrNotFound,
	"FORBIDDEN":     ErrForbidden,
	"RATE_LIMITED":  ErrRateLimited,
	"STALE_DATA":    ErrStaleData,
	"UNPROCESSABLE": ErrInvalid,
}

// GraphQLErrorItem is one entry of a GraphQL response's errors array, with
// the `type` that githubv4 drops.
type GraphQLErrorItem struct {
	Type string `json:"type,omitempty"`
	// Code is set by some of GitHub's answers beside Type
	// ({"type":"RATE_LIMIT","code":"graphql_rate_limit"}).
	Code       string         `json:"code,omitempty"`
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// GraphQLError is a GraphQL response that carried errors. Data that came with
// it has still been decoded into the caller's struct, as GitHub returns partial
// data next to errors (a NOT_FOUND on one alias does not void the others).
type GraphQLError struct {
	Items []GraphQLErrorItem
}

func (e *GraphQLError) Error() string {
	if len(e.Items) == 0 {
		return "github graphql: unknown error"
	}
	first := e.Items[0]
	var b strings.Builder
	b.WriteString("github graphql: ")
	if first.Type != "" {
		b.WriteString(first.Type + ": ")
	}
	b.WriteString(first.Message)
	if n := len(e.Items) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more)", n)
	}
	return b.String()
}

// Is matches the sentinel of any typed error in the response.
func (e *GraphQLError) Is(target error) bool {
	for _, it := range e.Items {
		if s, ok := typeSentinels[it.Type]; ok && s == target || target == ErrRateLimited && it.rateLimited() {
			return true
		}
	}
	return false
}

// rateLimited reports whether the error is GitHub's rate limit, in either
// of the two forms it answers with: type RATE_LIMITED, or type RATE_LIMIT
// with code graphql_rate_limit.
func (it GraphQLErrorItem) rateLimited() bool {
	return it.Type == "RATE_LIMITED" || it.Type == "RATE_LIMIT" || it.Code == "graphql_rate_limit"
}

// HasType reports whether any error in the response has the given type.
func (e *GraphQLError) HasType(t string) bool {
	for _, it := range e.Items {
		if it.Type == t {
			return true
		}
	}
	return false
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown resource"
	}
	return s
}
