package restspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/schemas"
)

// loadSpec returns the shared Spec for Served. A missing description fails
// the test: a skipped test here would let the simulator drift from GitHub
// unnoticed.
func loadSpec(tb testing.TB) *Spec {
	tb.Helper()
	path := openAPIPath(tb)
	s, err := LoadShared(path, Served)
	if err != nil {
		tb.Fatalf("LoadShared(%q): %v", path, err)
	}
	return s
}

// openAPIPath locates the description, failing the test when it is missing.
func openAPIPath(tb testing.TB) string {
	tb.Helper()
	path, err := schemas.OpenAPIPath()
	if err != nil {
		tb.Fatalf("github's openapi description is missing; run scripts/fetch-schemas.sh: %v", err)
	}
	return path
}

func TestLoadRefusesUnknownOperation(t *testing.T) {
	_, err := Load(openAPIPath(t), []string{"issues/create-comment", "issues/create-commnet"})
	if err == nil || !strings.Contains(err.Error(), `"issues/create-commnet"`) {
		t.Fatalf("Load with a misspelt id: got %v, want an error naming it", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "api.github.com.json"), Served)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load of a missing file: got %v, want os.ErrNotExist", err)
	}
}

func TestLoadSharedLoadsOnce(t *testing.T) {
	path := openAPIPath(t)
	a, err := LoadShared(path, Served)
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]string, len(Served))
	for i, id := range Served {
		reversed[len(Served)-1-i] = id
	}
	b, err := LoadShared(path, reversed)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("LoadShared with the same ids in another order loaded again, want the cached Spec")
	}
}

func TestServedAreServed(t *testing.T) {
	s := loadSpec(t)
	if got, want := len(s.served), len(Served); got != want {
		t.Fatalf("served routes: got %d, want %d (a duplicate in Served?)", got, want)
	}
	for op := range s.served {
		if op.docsURL == "" {
			t.Errorf("%s has no externalDocs.url to answer errors with", op.id)
		}
	}
}

// TestMultiSegmentMarks pins the routes whose slashes go-github sends
// unescaped: if a new description drops the x-multi-segment mark from one,
// the simulator would 404 a request GitHub answers.
func TestMultiSegmentMarks(t *testing.T) {
	s := loadSpec(t)
	cases := []struct{ method, path, id, param, want string }{
		{"GET", "/repos/o/r/contents/.nanobots/LEARNINGS.md", "repos/get-content", "path", ".nanobots/LEARNINGS.md"},
		{"PUT", "/repos/o/r/contents/a/b/c.md", "repos/create-or-update-file-contents", "path", "a/b/c.md"},
		{"GET", "/repos/o/r/contents/.nanobots%2FLEARNINGS.md", "repos/get-content", "path", ".nanobots/LEARNINGS.md"},
		{"GET", "/repos/o/r/git/ref/heads/claude/issue-1-x", "git/get-ref", "ref", "heads/claude/issue-1-x"},
		{"GET", "/repos/o/r/git/matching-refs/heads/claude/issue-1-", "git/list-matching-refs", "ref", "heads/claude/issue-1-"},
		{"GET", "/repos/o/r/commits/claude/issue-1-x/check-runs", "checks/list-for-ref", "ref", "claude/issue-1-x"},
		{"GET", "/repos/o/r/commits/claude/issue-1-x/status", "repos/get-combined-status-for-ref", "ref", "claude/issue-1-x"},
		{"GET", "/repos/o/r/commits/claude%2Fissue-1-x/status", "repos/get-combined-status-for-ref", "ref", "claude/issue-1-x"},
		{"GET", "/repos/o/r/branches/claude/issue-1-x", "repos/get-branch", "branch", "claude/issue-1-x"},
		{"GET", "/repos/o/r/branches/claude%2Fissue-1-x", "repos/get-branch", "branch", "claude/issue-1-x"},
		{"GET", "/repos/o/r/issues/comments/7", "issues/get-comment", "comment_id", "7"},
		{"GET", "/repos/o/r/labels/nanobots:built", "issues/get-label", "name", "nanobots:built"},
		{"GET", "/repos/o/r/labels/needs%20review", "issues/get-label", "name", "needs review"},
		// Not served, but GitHub's: the literal route wins over {issue_number}.
		{"GET", "/repos/o/r/issues/comments", "issues/list-comments-for-repo", "", ""},
		{"GET", "/repos/o/r/commits/main", "repos/get-commit", "ref", "main"},
		{"GET", "/repos/o/r/compare/main...claude/issue-1-x", "repos/compare-commits-with-basehead", "basehead", "main...claude/issue-1-x"},
		{"GET", "/", "meta/root", "", ""},
	}
	for _, c := range cases {
		route, err := s.Find(httptest.NewRequest(c.method, c.path, nil))
		if err != nil {
			t.Errorf("Find(%s %s): %v", c.method, c.path, err)
			continue
		}
		if route.OperationID != c.id {
			t.Errorf("Find(%s %s): got %q, want %q", c.method, c.path, route.OperationID, c.id)
		}
		if c.param != "" && route.PathParams[c.param] != c.want {
			t.Errorf("Find(%s %s): %s = %q, want %q", c.method, c.path, c.param, route.PathParams[c.param], c.want)
		}
	}
}

func TestFindNotFound(t *testing.T) {
	s := loadSpec(t)
	for _, c := range []struct{ method, path string }{
		{"GET", "/repos/o/r/nonsense"},
		{"GET", "/repos/o/r/issues/1/"},     // GitHub 404s a trailing slash
		{"DELETE", "/rate_limit"},           // known path, unknown method
		{"GET", "/repos/o/r/contents/a//b"}, // empty segment
	} {
		_, err := s.Find(httptest.NewRequest(c.method, "http://x"+c.path, nil))
		var re *RequestError
		if !errors.As(err, &re) || !errors.Is(err, ErrNotFound) {
			t.Errorf("Find(%s %s): got %v, want a *RequestError wrapping ErrNotFound", c.method, c.path, err)
			continue
		}
		body, _ := json.Marshal(re)
		want := `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`
		if string(body) != want {
			t.Errorf("Find(%s %s) body: got %s, want %s", c.method, c.path, body, want)
		}
	}
}

func TestFindUnserved(t *testing.T) {
	s := loadSpec(t)
	r := httptest.NewRequest("POST", "/repos/o/r/issues/comments/7/reactions", strings.NewReader(`{"content":"eyes"}`))
	route, err := s.Find(r)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if route.Served || route.OperationID != "reactions/create-for-issue-comment" {
		t.Fatalf("Find: got %q served=%v, want reactions/create-for-issue-comment, not served", route.OperationID, route.Served)
	}
	if err := s.ValidateRequest(route, r, []byte(`{"content":"eyes"}`)); !errors.Is(err, ErrNotServed) {
		t.Errorf("ValidateRequest on an unserved route: got %v, want ErrNotServed", err)
	}
}

// TestRejects holds the negative controls: requests GitHub refuses, and the
// answer it gives.
func TestRejects(t *testing.T) {
	s := loadSpec(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"comment without body", "POST", "/repos/o/r/issues/5/comments", `{}`,
			422, "Invalid request.\n\n\"body\" wasn't supplied."},
		{"comment body not a string", "POST", "/repos/o/r/issues/5/comments", `{"body":42}`,
			422, "Invalid request.\n\nFor 'properties/body', 42 is not a string."},
		{"comment body is a string", "POST", "/repos/o/r/issues/5/comments", `"hello"`,
			422, "Invalid request.\n\nFor 'links/0/schema', \"hello\" is not an object."},
		{"comment with no body at all", "POST", "/repos/o/r/issues/5/comments", ``,
			422, "Invalid request.\n\nFor 'links/0/schema', nil is not an object."},
		{"malformed JSON", "POST", "/repos/o/r/issues/5/comments", `{"body":`,
			400, "Problems parsing JSON"},
		{"issue number not a number", "GET", "/repos/o/r/issues/abc", ``,
			404, "Not Found"},
		{"state=bogus", "GET", "/repos/o/r/issues?state=bogus", ``,
			422, `Invalid request.` + "\n\n" + `For 'state', "bogus" is not a member of ["open","closed","all"].`},
		{"per_page not a number", "GET", "/repos/o/r/issues?per_page=many", ``,
			422, ""},
		{"contents PUT without message", "PUT", "/repos/o/r/contents/.nanobots/LEARNINGS.md", `{"content":"aGk="}`,
			422, "Invalid request.\n\n\"message\" wasn't supplied."},
		{"labels array of numbers", "POST", "/repos/o/r/issues/5/labels", `[1,2]`,
			422, ""},
		{"labels bare object", "POST", "/repos/o/r/issues/5/labels", `{"labels":"bug"}`,
			422, ""},
		{"issue without title", "POST", "/repos/o/r/issues", `{"body":"x"}`,
			422, "Invalid request.\n\n\"title\" wasn't supplied."},
		{"update issue with bad state", "PATCH", "/repos/o/r/issues/5", `{"state":"done"}`,
			422, ""},
		{"merge with bad method", "PUT", "/repos/o/r/pulls/3/merge", `{"merge_method":"octopus"}`,
			422, ""},
		{"check run without head_sha", "POST", "/repos/o/r/check-runs", `{"name":"ci"}`,
			422, "Invalid request.\n\n\"head_sha\" wasn't supplied."},
		{"status with bad state", "POST", "/repos/o/r/statuses/abc123", `{"state":"green"}`,
			422, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			r.Header.Set("Content-Type", "application/json")
			route, err := s.Find(r)
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			err = s.ValidateRequest(route, r, []byte(c.body))
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("ValidateRequest: got %v, want a *RequestError", err)
			}
			if re.Status != c.status {
				t.Errorf("status: got %d, want %d (%v)", re.Status, c.status, err)
			}
			if c.message != "" && re.Message != c.message {
				t.Errorf("message: got %q, want %q", re.Message, c.message)
			}
			if !strings.HasPrefix(re.DocumentationURL, "https://docs.github.com/rest/") {
				t.Errorf("documentation_url: got %q, want the operation's docs", re.DocumentationURL)
			}
			if re.Status == 404 && !errors.Is(err, ErrNotFound) {
				t.Errorf("a 404 should wrap ErrNotFound: %v", err)
			}
		})
	}
}

func TestRequestErrorJSON(t *testing.T) {
	s := loadSpec(t)
	r := httptest.NewRequest("POST", "/repos/o/r/issues/5/comments", strings.NewReader(`{}`))
	route, err := s.Find(r)
	if err != nil {
		t.Fatal(err)
	}
	err = s.ValidateRequest(route, r, []byte(`{}`))
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want *RequestError", err)
	}
	got, err := json.Marshal(re)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"message":"Invalid request.\n\n\"body\" wasn't supplied.","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"422"}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestAccepts covers what GitHub takes that a plain reading would not, and
// that validating leaves the caller's request alone.
func TestAccepts(t *testing.T) {
	s := loadSpec(t)
	cases := []struct{ name, method, path, contentType, body string }{
		{"bare label array", "POST", "/repos/o/r/issues/5/labels", "application/json", `["bug","nanobots:built"]`},
		{"labels object", "POST", "/repos/o/r/issues/5/labels", "application/json", `{"labels":["bug"]}`},
		{"curl -d form label", "POST", "/repos/o/r/issues/5/comments", "application/x-www-form-urlencoded", `{"body":"Me too"}`},
		{"no content type", "POST", "/repos/o/r/issues/5/comments", "", `{"body":"Me too"}`},
		{"list issues", "GET", "/repos/o/r/issues?state=all&labels=a,b&per_page=100&page=2", "", ``},
		{"merge without a body", "PUT", "/repos/o/r/pulls/3/merge", "", ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			route, err := s.Find(r)
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if err := s.ValidateRequest(route, r, []byte(c.body)); err != nil {
				t.Fatalf("ValidateRequest: %v", err)
			}
			if got := r.Header.Get("Content-Type"); got != c.contentType {
				t.Errorf("ValidateRequest changed the caller's Content-Type to %q", got)
			}
			if c.method == "GET" && r.URL.RawQuery != strings.SplitN(c.path, "?", 2)[1] {
				t.Errorf("ValidateRequest changed the caller's query to %q", r.URL.RawQuery)
			}
		})
	}
}

// exampleBody returns the description's own example response for route, so
// the test holds no hand-copied GitHub JSON. The description writes its
// examples as {"value": {"$ref": "#/components/examples/issue"}}, a reference
// where OpenAPI wants a literal, so kin-openapi keeps the reference as the
// value; this follows it.
func exampleBody(t *testing.T, s *Spec, route *Route, status int) map[string]any {
	t.Helper()
	resp := route.kin.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		t.Fatalf("%s documents no %d response", route.OperationID, status)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Examples["default"] == nil || mt.Examples["default"].Value == nil {
		t.Fatalf("%s %d has no default JSON example", route.OperationID, status)
	}
	value := mt.Examples["default"].Value.Value
	if m, ok := value.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			name, found := strings.CutPrefix(ref, "#/components/examples/")
			ex := s.doc.Components.Examples[name]
			if !found || ex == nil || ex.Value == nil {
				t.Fatalf("%s example refers to %q, which the trimmed document lacks", route.OperationID, ref)
			}
			value = ex.Value.Value
		}
	}
	b, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s example is not an object: %v", route.OperationID, err)
	}
	return m
}

func TestValidateResponse(t *testing.T) {
	s := loadSpec(t)
	route, err := s.Find(httptest.NewRequest("GET", "/repos/o/r/issues/1347", nil))
	if err != nil {
		t.Fatal(err)
	}
	issue := exampleBody(t, s, route, 200)
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}

	good, _ := json.Marshal(issue)
	if err := s.ValidateResponse(route, 200, jsonHeader, good); err != nil {
		t.Fatalf("the description's own example issue: %v", err)
	}

	delete(issue, "number")
	bad, _ := json.Marshal(issue)
	if err := s.ValidateResponse(route, 200, jsonHeader, bad); err == nil || !strings.Contains(err.Error(), `"number"`) {
		t.Errorf("an issue without number: got %v, want an error naming \"number\"", err)
	}

	issue["number"] = 1347
	issue["state"] = 7
	bad, _ = json.Marshal(issue)
	if err := s.ValidateResponse(route, 200, jsonHeader, bad); err == nil {
		t.Error("an issue whose state is a number: got nil, want an error")
	}

	if err := s.ValidateResponse(route, 201, jsonHeader, good); err == nil {
		t.Error("issues/get answering 201: got nil, want an error (GitHub documents 200, 301, 304, 404, 410)")
	}

	notFound := []byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/issues#get-an-issue","status":"404"}`)
	if err := s.ValidateResponse(route, 404, jsonHeader, notFound); err != nil {
		t.Errorf("GitHub's 404 body: %v", err)
	}

	created, err := s.Find(httptest.NewRequest("POST", "/repos/o/r/issues", nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ValidateResponse(created, 201, jsonHeader, good); err != nil {
		t.Errorf("issues/create answering 201 with an issue: %v", err)
	}
	if err := s.ValidateResponse(created, 201, http.Header{"Content-Type": {"text/plain"}}, good); err == nil {
		t.Error("an issue sent as text/plain: got nil, want an error")
	}
}

// TestConcurrentUse lets the race detector watch one Spec serve many
// requests at once, as the simulator's handlers will.
func TestConcurrentUse(t *testing.T) {
	s := loadSpec(t)
	bodies := []string{`{"body":"hi"}`, `{}`, `{"body":42}`, `{"body":`}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				body := bodies[(i+j)%len(bodies)]
				r := httptest.NewRequest("POST", "/repos/o/r/issues/5/comments", strings.NewReader(body))
				route, err := s.Find(r)
				if err != nil {
					t.Error(err)
					return
				}
				err = s.ValidateRequest(route, r, []byte(body))
				if (err == nil) != (body == bodies[0]) {
					t.Errorf("body %s: got %v", body, err)
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkFindValidate(b *testing.B) {
	s := loadSpec(b)
	body := []byte(`{"body":"@claude please take this on"}`)
	r := httptest.NewRequest("POST", "/repos/octo/demo/issues/5/comments", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	for b.Loop() {
		route, err := s.Find(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.ValidateRequest(route, r, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindValidateContents(b *testing.B) {
	s := loadSpec(b)
	body := []byte(`{"message":"nanobots: learnings","content":"aGVsbG8=","sha":"95b966ae1c166bd92f8ae7d1c313e738c731dfc3","branch":"main"}`)
	r := httptest.NewRequest("PUT", "/repos/octo/demo/contents/.nanobots/LEARNINGS.md", bytes.NewReader(body))
	b.ReportAllocs()
	for b.Loop() {
		route, err := s.Find(r)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.ValidateRequest(route, r, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	path := openAPIPath(b)
	for b.Loop() {
		if _, err := Load(path, Served); err != nil {
			b.Fatal(err)
		}
	}
}
