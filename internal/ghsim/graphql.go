package ghsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
	"github.com/nanobots-dev/nanobots/internal/ghsim/restspec"
)

// apis are GitHub's published descriptions, loaded once per process.
type apis struct {
	spec   *restspec.Spec
	schema *gqlengine.Schema
}

func loadAPIs() (*apis, error) {
	spec, err := restspec.Default()
	if err != nil {
		return nil, fmt.Errorf("load github's openapi description: %w", err)
	}
	schema, err := gqlengine.DefaultSchema()
	if err != nil {
		return nil, fmt.Errorf("load github's graphql schema: %w", err)
	}
	return &apis{spec: spec, schema: schema}, nil
}

// serveGraphQL answers POST /graphql: GitHub's checks first (authentication,
// the document against the schema, pagination and node limits), then the
// primary limit charged at the computed cost, the secondary limit for
// mutations, and only then the resolvers, with the world locked.
func (c *call) serveGraphQL() {
	s := c.s
	if c.user == nil {
		c.fail(http.StatusUnauthorized, "This endpoint requires you to be authenticated.", "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql")
		return
	}
	var req gqlengine.Request
	if err := json.Unmarshal(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, "Problems parsing JSON", "https://docs.github.com/graphql")
		return
	}
	now := s.World.Now()
	prep, failed := s.api.schema.Prepare(req)
	if failed != nil {
		c.entry.Operation = failed.Operation
		b, limit := s.lim.peek(c.limitHolder(), "graphql", now)
		c.rateHeaders("graphql", b, limit)
		c.answer(failed)
		return
	}
	c.entry.Operation = prep.Operation
	c.entry.Fields = strings.Split(prep.Name, ",")
	c.entry.Secondary = prep.Cost.Secondary
	mutation := prep.Operation == "mutation"
	c.entry.Write = mutation

	b, limit, ok := s.lim.charge(c.limitHolder(), "graphql", prep.Cost.Points, now)
	c.rateHeaders("graphql", b, limit)
	if !ok {
		c.w.Header().Set("X-Ratelimit-Remaining", "0")
		writeJSON(c.w, http.StatusOK, map[string]any{"errors": []any{rateLimitError(RateLimitedForm, c.user.ID)}})
		return
	}
	c.entry.Cost = prep.Cost.Points
	if mutation && !c.secondary(prep.RootFields) {
		return
	}
	ft := s.faults.match("graphql", prep.Operation, c.entry.Fields)
	if c.fault(ft) {
		return
	}
	g := &gq{c: c, w: s.World}
	s.World.mu.Lock()
	resp := prep.Execute(c.r.Context(), gqlengine.Roots{Query: queryRoot{g}, Mutation: mutationRoot{g}})
	s.World.mu.Unlock()
	if ft != nil && ft.After {
		c.entry.Fault = faultName(ft) + " after"
		ft.write(c.w, true, c.userID())
		return
	}
	c.answer(resp)
}

func (c *call) answer(resp *gqlengine.Response) {
	// MarshalJSON writes GitHub's bytes; json.Marshal would escape <, > and & again.
	body, err := resp.MarshalJSON()
	if err != nil {
		c.fail(http.StatusInternalServerError, err.Error(), "")
		return
	}
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
}

// AddMember makes user a member of org, so the org's boards are theirs to see.
func (w *World) AddMember(org, user *User) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.members == nil {
		w.members = map[*User]map[*User]bool{}
	}
	if w.members[org] == nil {
		w.members[org] = map[*User]bool{}
	}
	w.members[org][user] = true
}

// IsMember reports whether user belongs to org.
func (w *World) IsMember(org, user *User) bool { return w.members[org][user] }
