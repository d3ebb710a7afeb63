package gqlengine

import (
	"errors"
	"fmt"
)

// The error types GitHub puts in an error's "type" member. Clients match on
// them, so resolvers should use these rather than spell them out.
const (
	TypeNotFound               = "NOT_FOUND"
	TypeForbidden              = "FORBIDDEN"
	TypeStaleData              = "STALE_DATA"
	TypeUnprocessable          = "UNPROCESSABLE"
	TypeRateLimited            = "RATE_LIMITED"
	TypeMissingPagination      = "MISSING_PAGINATION_BOUNDARIES"
	TypeExcessivePagination    = "EXCESSIVE_PAGINATION"
	TypeMaxNodeLimitExceeded   = "MAX_NODE_LIMIT_EXCEEDED"
	TypeInvalidCursorArguments = "INVALID_CURSOR_ARGUMENTS"
)

// Error is one entry of a response's "errors" list, in GitHub's shape. The
// field order is the order GitHub writes them in.
//
// Messages imitate GitHub's wording, capital letters included, because
// clients (and nanobots' own error handling) match on that text; that is why
// they do not follow the lowercase rule for Go errors.
type Error struct {
	Type       string         `json:"type,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Locations  []Location     `json:"locations,omitempty"`
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Location is a line and column in the request's query text, both from 1.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Error returns the message, prefixed with the type when there is one, so a
// resolver's error reads well in a Go test failure too.
func (e *Error) Error() string {
	if e.Type != "" {
		return e.Type + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error of the given GitHub type (one of the Type
// constants, or "" for none) for a resolver to return.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// asError turns whatever a resolver returned into a fresh *Error, keeping
// the Type and Extensions of an *Error anywhere in the chain. It copies, so a
// resolver may return a shared sentinel *Error safely.
func asError(err error) *Error {
	var ge *Error
	if errors.As(err, &ge) {
		c := *ge
		return &c
	}
	return &Error{Message: err.Error()}
}
