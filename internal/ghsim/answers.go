package ghsim

import (
	"net/http"

	"github.com/nanobots-dev/nanobots/internal/ghsim/restspec"
)

// WithResponseValidation turns the check of every successful REST answer
// against GitHub's response schemas on or off. It is on by default: a shape
// the simulator invents would teach the client something GitHub never says.
// Mismatches do not change the answer; they are kept for ResponseErrors, so
// a test can fail on them.
func WithResponseValidation(on bool) Option { return func(s *Server) { s.checkAnswers = on } }

// ResponseErrors returns the REST answers so far that did not match GitHub's
// OpenAPI description, one line each: the operation and what was wrong.
// A test helper fails the test when there are any.
func (s *Server) ResponseErrors() []string {
	s.answerMu.Lock()
	defer s.answerMu.Unlock()
	return append([]string(nil), s.answerErrs...)
}

// checkAnswer validates a successful JSON answer for route.
func (s *Server) checkAnswer(route *restspec.Route, status int, header http.Header, body []byte) {
	if !s.checkAnswers || status >= 300 {
		return
	}
	if err := s.api.spec.ValidateResponse(route, status, header, body); err != nil {
		s.answerMu.Lock()
		s.answerErrs = append(s.answerErrs, route.OperationID+": "+err.Error())
		s.answerMu.Unlock()
	}
}
