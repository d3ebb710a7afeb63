package ghclient

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-github/v66/github"
)

// TestClassify: each refusal the loop and bootstrap branch on matches its
// sentinel, and no other; the text and the go-github error survive.
func TestClassify(t *testing.T) {
	all := []error{ErrNotFound, ErrForbidden, ErrInvalid, ErrConflict, ErrAlreadyExists, ErrProtected, ErrAppToken}
	for _, tc := range []struct {
		name    string
		status  int
		message string
		code    string
		want    []error
	}{
		{"missing file", 404, "Not Found", "", []error{ErrNotFound}},
		{"stale sha", 409, ".nanobots/LEARNINGS.md does not match 0123", "", []error{ErrConflict}},
		{"created meanwhile", 422, "Invalid request.\n\n\"sha\" wasn't supplied.", "", []error{ErrInvalid, ErrConflict}},
		{"ref exists", 422, "Reference already exists", "", []error{ErrInvalid, ErrAlreadyExists}},
		{"label exists", 422, "Validation Failed", "already_exists", []error{ErrInvalid, ErrAlreadyExists}},
		{"ruleset", 409, "Repository rule violations found\n\nChanges must be made through a pull request.", "", []error{ErrProtected}},
		{"no push", 403, "Must have admin rights to Repository.", "", []error{ErrForbidden}},
		{"app token", 403, "Resource not accessible by integration", "", []error{ErrForbidden, ErrAppToken}},
		{"other 422", 422, "Validation Failed", "missing_field", []error{ErrInvalid}},
		{"server", 500, "boom", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			er := &github.ErrorResponse{Response: &http.Response{StatusCode: tc.status}, Message: tc.message}
			if tc.code != "" {
				er.Errors = []github.Error{{Code: tc.code}}
			}
			wrapped := fmt.Errorf("write it: %w", er)
			err := Classify(wrapped)
			if err.Error() != wrapped.Error() {
				t.Errorf("text %q, want %q", err.Error(), wrapped.Error())
			}
			var back *github.ErrorResponse
			if !errors.As(err, &back) || back != er {
				t.Errorf("the go-github error is lost")
			}
			for _, s := range all {
				want := false
				for _, w := range tc.want {
					want = want || w == s
				}
				if got := errors.Is(err, s); got != want {
					t.Errorf("errors.Is(%v) = %v, want %v", s, got, want)
				}
			}
			if again := Classify(err); again != err {
				t.Errorf("classifying twice wrapped it again")
			}
		})
	}
	if Classify(nil) != nil {
		t.Errorf("Classify(nil) != nil")
	}
	plain := errors.New("dial tcp: refused")
	if Classify(plain) != plain {
		t.Errorf("Classify changed an error that is no REST refusal")
	}
}
