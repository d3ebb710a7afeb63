package ghsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestResponseErrorsRecordsAMismatch(t *testing.T) {
	for _, on := range []bool{true, false} {
		s, err := New(Demo(nil), WithResponseValidation(on))
		if err != nil {
			t.Fatal(err)
		}
		route, err := s.api.spec.Find(httptest.NewRequest(http.MethodGet, "/repos/octo/demo/issues/1", nil))
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		s.checkAnswer(route, http.StatusOK, h, []byte(`{"id":"not a number"}`))
		got := s.ResponseErrors()
		if on && (len(got) != 1 || !strings.HasPrefix(got[0], "issues/get: ")) {
			t.Errorf("validation on: ResponseErrors() = %q, want one issues/get mismatch", got)
		}
		if !on && len(got) != 0 {
			t.Errorf("validation off: ResponseErrors() = %q, want none", got)
		}
	}
}

// BenchmarkGetIssue is one REST answer, with and without checking it
// against the response schema: the price of validation being on.
func BenchmarkGetIssue(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := map[bool]string{false: "unchecked", true: "checked"}[on]
		b.Run(name, func(b *testing.B) {
			s, err := New(Demo(nil), WithResponseValidation(on), WithLimits(Limits{Core: 1 << 30, GraphQL: 1 << 30}))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/repos/octo/demo/issues/1", nil)
				req.Header.Set("Authorization", "bearer x")
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
			if errs := s.ResponseErrors(); len(errs) > 0 {
				b.Fatal(errs)
			}
		})
	}
}
