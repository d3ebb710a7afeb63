package ghsim

import (
	"sync"
	"time"
)

// Entry is one request the simulator answered.
type Entry struct {
	Seq    int       `json:"seq"`
	Time   time.Time `json:"time"`
	Login  string    `json:"login,omitempty"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Route is the REST operationId ("issues/create-comment") or, for
	// GraphQL, "graphql".
	Route string `json:"route"`
	// Operation is "query" or "mutation" for GraphQL, "" for REST.
	Operation string `json:"operation,omitempty"`
	// Fields are a GraphQL request's root fields ("user", "addComment").
	Fields []string `json:"fields,omitempty"`
	Status int      `json:"status"`
	// Cost is the GraphQL primary-limit points the request was charged;
	// Secondary the points it counted toward the secondary limit.
	Cost      int  `json:"cost,omitempty"`
	Secondary int  `json:"secondary,omitempty"`
	Write     bool `json:"write,omitempty"`
	// NotModified is true for a conditional request answered 304, which
	// GitHub does not charge against the primary limit.
	NotModified bool `json:"not_modified,omitempty"`
	Bytes       int  `json:"bytes"`
	// Fault names the injected fault that shaped the answer, if any.
	Fault string `json:"fault,omitempty"`
}

// RequestLog records every request, so tests and benchmarks can count round
// trips, writes and GraphQL points.
type RequestLog struct {
	mu      sync.Mutex
	entries []Entry
}

func (l *RequestLog) add(e Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = len(l.entries) + 1
	l.entries = append(l.entries, e)
}

// Entries returns a copy of the log.
func (l *RequestLog) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

// Reset empties the log.
func (l *RequestLog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// Totals sums a log.
type Totals struct {
	Requests      int `json:"requests"`
	REST          int `json:"rest"`
	GraphQL       int `json:"graphql"`
	Writes        int `json:"writes"`
	GraphQLPoints int `json:"graphql_points"`
	Bytes         int `json:"bytes"`
}

// Totals counts requests, writes, GraphQL points and bytes.
func (l *RequestLog) Totals() Totals {
	l.mu.Lock()
	defer l.mu.Unlock()
	var t Totals
	for _, e := range l.entries {
		t.Requests++
		if e.Route == "graphql" {
			t.GraphQL++
		} else {
			t.REST++
		}
		if e.Write {
			t.Writes++
		}
		t.GraphQLPoints += e.Cost
		t.Bytes += e.Bytes
	}
	return t
}
