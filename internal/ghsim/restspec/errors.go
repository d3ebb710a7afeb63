package restspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// ErrNotFound is wrapped by the *RequestError Find returns for a method and
// path GitHub does not publish, and by the one ValidateRequest returns for a
// path parameter GitHub's router would not match.
var ErrNotFound = errors.New("github publishes no such route")

// ErrNotServed is returned by ValidateRequest and ValidateResponse for a route
// that is GitHub's but not in the served list: there is nothing to check it
// against, and answering it anyway would let the simulator drift from GitHub.
var ErrNotServed = errors.New("route is not served")

// rootDocsURL is the documentation_url GitHub gives with a 404 for a path it
// has no route for.
const rootDocsURL = "https://docs.github.com/rest"

// RequestError is a request GitHub would refuse, carrying the answer GitHub
// gives, so the simulator can reply with exactly this status and body.
type RequestError struct {
	Status           int    // 404, 400 or 422
	Message          string // GitHub's "message", e.g. "Problems parsing JSON"
	DocumentationURL string // the operation's externalDocs.url, or rootDocsURL
	Err              error  // why: ErrNotFound, a JSON error, or kin-openapi's error
}

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("github would answer %d %q", e.Status, e.Message)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *RequestError) Unwrap() error { return e.Err }

// MarshalJSON writes the body GitHub sends with the error:
// {"message":…,"documentation_url":…,"status":"422"}. GitHub sends the
// status as a string.
func (e *RequestError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
		Status           string `json:"status"`
	}{e.Message, e.DocumentationURL, strconv.Itoa(e.Status)})
}

func notFound(docsURL string, err error) *RequestError {
	return &RequestError{Status: 404, Message: "Not Found", DocumentationURL: docsURL, Err: err}
}

// invalidRequest is the prefix of every message GitHub's request-schema
// validation sends.
const invalidRequest = "Invalid request.\n\n"

// fromKin turns kin-openapi's verdict into GitHub's answer. The messages copy
// the shapes GitHub is seen to send, quoted in public bug reports against
// octokit clients: `"sha" wasn't supplied.` for a missing property, and
// `For 'links/0/schema', nil is not an object.` for a missing body, which
// gives the frame used for a wrong type. How GitHub words a bad query
// parameter, and whether it answers 404 or 422 to a path parameter of the
// wrong type, is not verified: this answers 422 and 404, and keeps kin's
// reason where it has no GitHub phrase.
func fromKin(op *operation, err error) *RequestError {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return &RequestError{Status: 422, Message: invalidRequest + err.Error(), DocumentationURL: op.docsURL, Err: err}
	}
	switch {
	case re.Parameter != nil && re.Parameter.In == openapi3.ParameterInPath:
		// GitHub's routes constrain their parameters (issue numbers are
		// digits), so /issues/abc is a path it has no route for.
		return notFound(op.docsURL, fmt.Errorf("%w: %w", ErrNotFound, err))
	case re.Parameter != nil:
		detail := re.Reason
		if se := deepestSchemaError(re.Err); se != nil {
			detail = schemaDetail(se, re.Parameter.Name)
		} else if re.Err != nil {
			detail = fmt.Sprintf("For '%s', %s.", re.Parameter.Name, re.Err.Error())
		}
		return &RequestError{Status: 422, Message: invalidRequest + detail, DocumentationURL: op.docsURL, Err: err}
	case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		return &RequestError{Status: 422, Message: invalidRequest + "For 'links/0/schema', nil is not an object.", DocumentationURL: op.docsURL, Err: err}
	default:
		detail := re.Error()
		if se := deepestSchemaError(re.Err); se != nil {
			detail = schemaDetail(se, "")
		}
		return &RequestError{Status: 422, Message: invalidRequest + detail, DocumentationURL: op.docsURL, Err: err}
	}
}

// deepestSchemaError follows oneOf/anyOf wrappers down to the first concrete
// failure, which is the one a person can act on.
func deepestSchemaError(err error) *openapi3.SchemaError {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		var me openapi3.MultiError
		if errors.As(err, &me) && len(me) > 0 {
			return deepestSchemaError(me[0])
		}
		return nil
	}
	if se.Origin != nil {
		if inner := deepestSchemaError(se.Origin); inner != nil {
			return inner
		}
	}
	return se
}

// schemaDetail phrases se the way GitHub does. param is "" for the body.
func schemaDetail(se *openapi3.SchemaError, param string) string {
	ptr := se.JSONPointer()
	if se.SchemaField == "required" && len(ptr) > 0 {
		return fmt.Sprintf("%q wasn't supplied.", ptr[len(ptr)-1])
	}
	where := param
	if param == "" {
		where = bodyPointer(ptr)
	}
	value := inspect(se.Value)
	switch se.SchemaField {
	case "type":
		if se.Schema != nil && se.Schema.Type != nil && len(*se.Schema.Type) == 1 {
			t := (*se.Schema.Type)[0]
			article := "a"
			if strings.ContainsRune("aeiou", rune(t[0])) {
				article = "an"
			}
			return fmt.Sprintf("For '%s', %s is not %s %s.", where, value, article, t)
		}
	case "enum":
		if se.Schema != nil {
			return fmt.Sprintf("For '%s', %s is not a member of %s.", where, value, inspect(se.Schema.Enum))
		}
	}
	return fmt.Sprintf("For '%s', %s: %s.", where, value, se.Reason)
}

// bodyPointer names a place in the body as GitHub's messages do: the body
// itself is 'links/0/schema', a field is 'properties/body'.
func bodyPointer(ptr []string) string {
	if len(ptr) == 0 {
		return "links/0/schema"
	}
	parts := make([]string, 0, 2*len(ptr))
	for _, p := range ptr {
		if _, err := strconv.Atoi(p); err == nil {
			parts = append(parts, "items")
			continue
		}
		parts = append(parts, "properties", p)
	}
	return strings.Join(parts, "/")
}

// inspect writes a JSON value as GitHub's (Ruby) messages do: JSON, with
// null as nil.
func inspect(v any) string {
	if v == nil {
		return "nil"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
