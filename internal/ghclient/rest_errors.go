package ghclient

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"
)

// The REST refusals callers branch on, as sentinels for errors.Is once an
// error has been through Classify. ErrNotFound, ErrForbidden and ErrInvalid
// (above) match a REST 404, 403 and 422 as well as GraphQL's types.
var (
	// ErrConflict: a write's precondition failed because the resource moved
	// since it was read: a contents write whose blob sha no longer matches
	// (409), or that sent no sha for a file someone created meanwhile (422).
	// Read again and retry.
	ErrConflict = errors.New("CONFLICT")
	// ErrAlreadyExists: what a create names exists already, such as a ref
	// (422 "Reference already exists") or a label.
	ErrAlreadyExists = errors.New("ALREADY_EXISTS")
	// ErrProtected: the branch refuses the write by its rules (a ruleset or
	// branch protection, 409 "Repository rule violations found").
	ErrProtected = errors.New("PROTECTED")
	// ErrAppToken: the operation is closed to a GitHub App's installation
	// token such as GITHUB_TOKEN (403 "Resource not accessible by
	// integration"), GET /user among them.
	ErrAppToken = errors.New("NOT_FOR_APP_TOKENS")
)

// RESTError is a refusal from GitHub's REST API, classified by Classify. It
// keeps the go-github error (errors.As still finds *github.ErrorResponse)
// and its text.
type RESTError struct {
	// Status is the HTTP status; Message is GitHub's message.
	Status  int
	Message string
	kinds   []error
	err     error
}

func (e *RESTError) Error() string { return e.err.Error() }
func (e *RESTError) Unwrap() error { return e.err }

// Is matches the sentinels Classify found for the refusal.
func (e *RESTError) Is(target error) bool {
	for _, k := range e.kinds {
		if k == target {
			return true
		}
	}
	return false
}

// Classify returns err as a *RESTError when it holds a REST refusal
// (*github.ErrorResponse), so callers branch with errors.Is on the
// sentinels above; any other error, and nil, it returns as it is.
//
// GitHub says some conditions only in its message's text: the status alone
// does not tell a ruleset's 409 from a stale sha's, nor a ref that exists
// from another 422. This is the one place nanobots reads that text; if
// GitHub rewords a message, only this function changes.
func Classify(err error) error {
	var re *RESTError
	if err == nil || errors.As(err, &re) {
		return err
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return err
	}
	out := &RESTError{Status: er.Response.StatusCode, Message: er.Message, err: err}
	msg := strings.ToLower(er.Message)
	switch out.Status {
	case http.StatusNotFound:
		out.kinds = []error{ErrNotFound}
	case http.StatusForbidden:
		out.kinds = []error{ErrForbidden}
		if strings.Contains(msg, "integration") {
			out.kinds = append(out.kinds, ErrAppToken)
		}
	case http.StatusConflict:
		if strings.Contains(msg, "rule") {
			out.kinds = []error{ErrProtected}
		} else {
			out.kinds = []error{ErrConflict}
		}
	case http.StatusUnprocessableEntity:
		out.kinds = []error{ErrInvalid}
		switch {
		case strings.Contains(msg, "already exists") || hasCode(er, "already_exists"):
			out.kinds = append(out.kinds, ErrAlreadyExists)
		case strings.Contains(msg, "sha"):
			out.kinds = append(out.kinds, ErrConflict)
		}
	}
	return out
}

func hasCode(er *github.ErrorResponse, code string) bool {
	for _, e := range er.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}
