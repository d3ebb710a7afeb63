package restspec

import (
	"bytes"
	"mime"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file is the one place where what GitHub accepts differs from what a
// plain reading of its published description (with kin-openapi) accepts.
// Each deviation says what GitHub does, the evidence, and how it is handled.
// None of them turns a check off: each reshapes the input so the same schema
// still judges it. The evidence is in research/github-api.md §8.2 unless
// said otherwise.

// multiSegment reports whether a path parameter may contain "/".
//
// GitHub takes refs and file paths with their slashes in the URL:
// go-github v66 sends GET /repos/o/r/contents/.nanobots/LEARNINGS.md,
// /git/ref/heads/claude/issue-1-x, /git/matching-refs/heads/claude/issue-1-,
// /commits/{ref}/check-runs and /commits/{ref}/status with the ref's slashes
// unescaped (it escapes only each segment), and GitHub answers them.
// kin-openapi's gorillamux router matches one segment per parameter, so
// through it those requests find no operation (§8.2, "the contents {path}
// parameter cannot contain /").
//
// The description itself marks these parameters with the vendor extension
// "x-multi-segment": true (contents {path}, git {ref}, commits {ref},
// branches {branch}, statuses {sha}, compare {basehead} and others), so the
// index honours that mark instead of keeping a list of its own: a parameter so
// marked takes one or more whole segments, as few as let the rest of the
// template match. go-github escapes a branch name's slash as %2F for
// /branches/{branch}; that form matches as one segment and is unescaped the
// same way, so both spellings reach the same route.
func multiSegment(p paramHead) bool {
	return p.MultiSegment
}

// requestBody returns the body to validate for the operation id.
//
// issues/add-labels and issues/set-labels: go-github v66 AddLabelsToIssue
// and ReplaceLabelsForIssue send a bare JSON array, ["bug","nanobots:built"].
// The description models only {"labels": [...]}, but its own text for the
// labels property says "You can also pass an array of labels directly", and
// GitHub accepts it (§8.2). The bare array is validated as {"labels": array},
// so its items are still checked against the documented item schema; any
// other body is left as it is.
func requestBody(operationID string, body []byte) []byte {
	switch operationID {
	case "issues/add-labels", "issues/set-labels":
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			wrapped := make([]byte, 0, len(trimmed)+len(`{"labels":}`))
			wrapped = append(wrapped, `{"labels":`...)
			wrapped = append(wrapped, trimmed...)
			return append(wrapped, '}')
		}
	}
	return body
}

// requestContentType returns the media type a request body is validated as.
//
// GitHub reads a request body as JSON whatever Content-Type says: the code
// samples in its REST reference (e.g. "Update an issue comment") send JSON
// with `curl -d '{"body":"Me too"}'`, which curl labels
// application/x-www-form-urlencoded. A missing Content-Type is treated the
// same way (not verified against GitHub). The operations we serve declare
// only application/json bodies, so kin would reject such a request for its
// label rather than its content. A type the operation declares is kept;
// anything else is validated as JSON, so the body is still judged in full.
func requestContentType(declared openapi3.Content, sent string) string {
	if mt, _, err := mime.ParseMediaType(sent); err == nil && declared[mt] != nil {
		return sent
	}
	return "application/json"
}
