// Package restspec holds the GitHub simulator's REST side to GitHub's
// published OpenAPI description (api.github.com.json from @octokit/openapi).
//
// A Spec knows every method and path GitHub publishes, so the simulator can
// tell a route GitHub does not have (404) from one GitHub has but the
// simulator does not serve. For the served operations it checks requests
// (path and query parameters, JSON bodies) and the simulator's own responses
// against the description, and phrases a refusal the way GitHub does.
//
// It must never hold a hand-written copy of any part of the description, and
// never switch a check off to make a request pass: where GitHub accepts what
// its description forbids, the exception is written down, with its evidence,
// in deviations.go and nowhere else.
package restspec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/nanobots-dev/nanobots/internal/schemas"
)

// Spec is a loaded description. It is safe for concurrent use.
type Spec struct {
	index  *index
	served map[*operation]*routers.Route // into the trimmed document
	doc    *openapi3.T                   // the trimmed document
}

// Route is the operation a request names.
type Route struct {
	OperationID string            // e.g. "issues/create-comment"
	Method      string            // upper case
	Template    string            // e.g. "/repos/{owner}/{repo}/contents/{path}"
	Served      bool              // whether the simulator answers it
	PathParams  map[string]string // unescaped: "path" is ".nanobots/LEARNINGS.md"
	DocsURL     string            // the operation's externalDocs.url

	op  *operation
	kin *routers.Route // nil unless Served
}

// Load reads the description at path, indexes every operation in it, and
// prepares validation for the operations named in served (by operationId).
// It fails on an id the description does not have.
//
// Loading reads the whole 12 MB file (about 0.15 s); LoadShared does it once
// per process.
func Load(path string, served []string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read github's openapi description: %w", err)
	}
	var d description
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("parse %q: %w", path, err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.0.") {
		// kin-openapi validates 3.1 with another engine whose errors read
		// differently; GitHub's 3.0 description is the one we phrase.
		return nil, fmt.Errorf("%q is OpenAPI %q, want 3.0.x", path, d.OpenAPI)
	}
	ix, byID, err := d.buildIndex()
	if err != nil {
		return nil, fmt.Errorf("index %q: %w", path, err)
	}
	ops := make([]*operation, 0, len(served))
	for _, id := range served {
		op := byID[id]
		if op == nil {
			return nil, fmt.Errorf("served operation %q is not in %q", id, path)
		}
		if !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	trimmed, err := d.trim(ops)
	if err != nil {
		return nil, fmt.Errorf("trim %q: %w", path, err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(trimmed)
	if err != nil {
		return nil, fmt.Errorf("load the served part of %q: %w", path, err)
	}
	// kin-openapi validates values only against a document that passed
	// Validate. The description's examples are not checked: several
	// contradict their own schemas (the issue example has no "assignee",
	// which the issue schema requires), and examples judge no request.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("the served part of %q is not a valid openapi document: %w", path, err)
	}
	s := &Spec{index: ix, served: map[*operation]*routers.Route{}, doc: doc}
	for _, op := range ops {
		item := doc.Paths.Value(op.template)
		kop := item.GetOperation(op.method)
		if kop == nil {
			return nil, fmt.Errorf("trimmed %q lost %s %q", path, op.method, op.template)
		}
		s.served[op] = &routers.Route{Spec: doc, Path: op.template, PathItem: item, Method: op.method, Operation: kop}
	}
	return s, nil
}

// shared caches LoadShared's results, keyed by path and served list.
var shared struct {
	sync.Mutex
	specs map[string]*sharedSpec
}

type sharedSpec struct {
	once sync.Once
	spec *Spec
	err  error
}

// LoadShared is Load, done once per process for each path and served list
// (in any order): every test can call it and only the first pays. An error
// is cached too, since the file will not appear while the process runs.
func LoadShared(path string, served []string) (*Spec, error) {
	ids := slices.Clone(served)
	slices.Sort(ids)
	key := path + "\x00" + strings.Join(slices.Compact(ids), "\x00")
	shared.Lock()
	if shared.specs == nil {
		shared.specs = map[string]*sharedSpec{}
	}
	e := shared.specs[key]
	if e == nil {
		e = &sharedSpec{}
		shared.specs[key] = e
	}
	shared.Unlock()
	e.once.Do(func() { e.spec, e.err = Load(path, served) })
	return e.spec, e.err
}

// Default is LoadShared for Served, over the description that
// schemas.OpenAPIPath finds (run scripts/fetch-schemas.sh to fetch it).
func Default() (*Spec, error) {
	path, err := schemas.OpenAPIPath()
	if err != nil {
		return nil, err
	}
	return LoadShared(path, Served)
}

// Find names the operation r asks for. r's path must be relative to the API
// root ("/repos/o/r", not "/api/v3/repos/o/r"). For a method and path GitHub
// does not publish it returns a *RequestError with GitHub's 404, wrapping
// ErrNotFound; GitHub answers 404, not 405, to a known path with an unknown
// method too.
func (s *Spec) Find(r *http.Request) (*Route, error) {
	op, params, ok := s.index.lookup(r.Method, r.URL.EscapedPath())
	if !ok {
		return nil, notFound(rootDocsURL, fmt.Errorf("%w: %s %q", ErrNotFound, r.Method, r.URL.EscapedPath()))
	}
	kin := s.served[op]
	return &Route{
		OperationID: op.id,
		Method:      op.method,
		Template:    op.template,
		Served:      kin != nil,
		PathParams:  params,
		DocsURL:     op.docsURL,
		op:          op,
		kin:         kin,
	}, nil
}

// requestOptions are the same for every request: kin must not write
// defaults into the caller's request, and GitHub's description declares no
// security schemes kin could check (the simulator checks tokens itself).
var requestOptions = &openapi3filter.Options{
	SkipSettingDefaults:     true,
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// ValidateRequest checks r, whose body the caller has read into body, against
// route (from Find on the same request): path parameters, query parameters
// and the JSON body. A request GitHub would refuse gives a *RequestError
// carrying GitHub's status and message: 400 "Problems parsing JSON" for a
// body that is not JSON, 404 for a path parameter GitHub's router would not
// match, 422 "Invalid request.…" for the rest. r and body are not changed.
func (s *Spec) ValidateRequest(route *Route, r *http.Request, body []byte) error {
	if route == nil || route.kin == nil {
		return fmt.Errorf("validate %s %q: %w", r.Method, r.URL.Path, ErrNotServed)
	}
	op := route.op
	body = requestBody(op.id, body)
	if len(bytes.TrimSpace(body)) > 0 && !json.Valid(body) {
		return &RequestError{Status: 400, Message: "Problems parsing JSON", DocumentationURL: op.docsURL,
			Err: fmt.Errorf("%q request body is not JSON", op.id)}
	}
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	var declared openapi3.Content
	if rb := route.kin.Operation.RequestBody; rb != nil && rb.Value != nil {
		declared = rb.Value.Content
	}
	req.Header.Set("Content-Type", requestContentType(declared, r.Header.Get("Content-Type")))
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: route.PathParams,
		Route:      route.kin,
		Options:    requestOptions,
	}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		return fromKin(op, err)
	}
	return nil
}

// responseOptions leave the schema and value out of error text: an issue's
// schema alone is pages long, and the path in the message is what helps.
var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus:   true,
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// ValidateResponse checks a response the simulator gives for route against
// the description: the status must be one GitHub documents for the operation,
// and a JSON body must have the documented shape (required fields, types,
// enums, formats GitHub declares). header must carry the Content-Type the
// simulator sends, as GitHub documents only application/json bodies.
func (s *Spec) ValidateResponse(route *Route, status int, header http.Header, body []byte) error {
	if route == nil || route.kin == nil {
		return fmt.Errorf("validate a response: %w", ErrNotServed)
	}
	// kin reads only the method of the request behind a response.
	req := &http.Request{Method: route.Method, URL: &url.URL{Path: route.Template}, Header: http.Header{}}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: route.PathParams,
			Route:      route.kin,
			Options:    responseOptions,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: responseOptions,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%q response %d does not match github's description: %w", route.OperationID, status, err)
	}
	return nil
}
