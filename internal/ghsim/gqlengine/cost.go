package gqlengine

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
)

// GitHub's limits on one GraphQL call (docs: "Rate limits and query limits
// for the GraphQL API").
const (
	MaxPageSize = 100
	MaxNodes    = 500_000
)

// Cost is what one call costs, computed before anything runs, the way
// GitHub documents it: Requests adds up, for every connection, the requests
// needed to fill it if each connection above it returns its full first/last;
// Nodes adds up the nodes those requests can return; Points is Requests/100
// rounded to the nearest whole number, at least 1 (a mutation is always 1).
// Secondary is what the call counts against the secondary limit of 2,000
// points a minute: 1 for a query, 5 for a mutation.
type Cost struct {
	Points    int
	Requests  int
	Nodes     int
	Secondary int
}

type costKey struct{}

// ContextWithCost returns ctx carrying c, as Execute gives its resolvers.
func ContextWithCost(ctx context.Context, c Cost) context.Context {
	return context.WithValue(ctx, costKey{}, c)
}

// CostFromContext returns the cost of the call a resolver runs in, so the
// simulator can answer rateLimit { cost nodeCount }.
func CostFromContext(ctx context.Context) (Cost, bool) {
	c, ok := ctx.Value(costKey{}).(Cost)
	return c, ok
}

// saturate keeps the products of page sizes from overflowing: anything that
// large is over MaxNodes anyway.
const saturate = 1 << 40

// costWalker walks an operation the way GitHub's static analysis does:
// every field the query can reach, through fragments of any type, counted
// once per place it appears. @skip and @include are honoured, since a
// skipped field asks for nothing.
type costWalker struct {
	s        *Schema
	doc      *ast.QueryDocument
	vars     map[string]any
	requests int64
	nodes    int64
	errs     []*Error
	seen     map[string]bool
}

// analyse computes op's cost and checks GitHub's pagination rules on it:
// every connection needs first or last, at most MaxPageSize and not
// negative, and the whole call at most MaxNodes nodes. No resolver runs.
func (s *Schema) analyse(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (Cost, []*Error) {
	w := &costWalker{s: s, doc: doc, vars: vars, seen: map[string]bool{}}
	w.selections(op.SelectionSet, 1, nil, map[string]bool{})
	c := Cost{Requests: int(w.requests), Nodes: int(w.nodes), Secondary: 1}
	c.Points = max(1, int(math.Round(float64(w.requests)/100)))
	if op.Operation == ast.Mutation {
		c.Points, c.Secondary = 1, 5
	}
	if len(w.errs) > 0 {
		return c, w.errs
	}
	if w.nodes > MaxNodes {
		return c, []*Error{{
			Type:    TypeMaxNodeLimitExceeded,
			Message: fmt.Sprintf("This query requests up to %s possible nodes which exceeds the maximum limit of %s.", thousands(w.nodes), thousands(MaxNodes)),
		}}
	}
	return c, nil
}

func (w *costWalker) selections(set ast.SelectionSet, mult int64, path []any, fragments map[string]bool) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if skipped(sel.Directives, w.vars) {
				continue
			}
			w.field(sel, mult, withKey(path, responseKey(sel)), fragments)
		case *ast.InlineFragment:
			if skipped(sel.Directives, w.vars) {
				continue
			}
			w.selections(sel.SelectionSet, mult, path, fragments)
		case *ast.FragmentSpread:
			if skipped(sel.Directives, w.vars) || fragments[sel.Name] {
				continue
			}
			frag := w.doc.Fragments.ForName(sel.Name)
			if frag == nil {
				continue
			}
			// Validation has ruled out cycles; this guard only keeps a
			// bug there from hanging us.
			fragments[sel.Name] = true
			w.selections(frag.SelectionSet, mult, path, fragments)
			delete(fragments, sel.Name)
		}
	}
}

func (w *costWalker) field(f *ast.Field, mult int64, path []any, fragments map[string]bool) {
	if f.Definition == nil {
		return
	}
	def := w.s.ast.Types[f.Definition.Type.Name()]
	if !isConnection(f.Definition, def) {
		w.selections(f.SelectionSet, mult, path, fragments)
		return
	}
	size, err := w.pageSize(f, path)
	if err != nil {
		key := fmt.Sprint(err.Message, err.Path)
		if !w.seen[key] {
			w.seen[key] = true
			w.errs = append(w.errs, err)
		}
		return
	}
	w.requests = min(w.requests+mult, saturate)
	w.nodes = min(w.nodes+mult*size, saturate)
	w.selections(f.SelectionSet, min(mult*size, saturate), path, fragments)
}

// pageSize returns the page a connection asks for: first, or else last.
func (w *costWalker) pageSize(f *ast.Field, path []any) (int64, *Error) {
	args, aerr := w.s.argumentValues(f.Definition.Arguments, f.Arguments, w.vars)
	fail := func(typ, msg string) *Error {
		return &Error{Type: typ, Path: path, Locations: []Location{{Line: f.Position.Line, Column: f.Position.Column}}, Message: msg}
	}
	if aerr != nil {
		return 0, fail("", aerr.Message)
	}
	first, hasFirst := args["first"].(int)
	last, hasLast := args["last"].(int)
	if !hasFirst && !hasLast {
		return 0, fail(TypeMissingPagination,
			fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", f.Name))
	}
	for _, b := range []struct {
		name string
		n    int
		set  bool
	}{{"first", first, hasFirst}, {"last", last, hasLast}} {
		if !b.set {
			continue
		}
		if b.n > MaxPageSize {
			return 0, fail(TypeExcessivePagination,
				fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records.", b.n, f.Name, b.name, MaxPageSize))
		}
		if b.n < 0 {
			// GitHub's wording for this case is not documented.
			return 0, fail(TypeUnprocessable,
				fmt.Sprintf("`%s` on the `%s` connection cannot be less than 0, got %d.", b.name, f.Name, b.n))
		}
	}
	if hasFirst {
		return int64(first), nil
	}
	return int64(last), nil
}

// skipped reports whether @skip or @include leave a selection out.
func skipped(dirs ast.DirectiveList, vars map[string]any) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil {
			continue
		}
		v, _ := arg.Value.Value(vars)
		b, _ := v.(bool)
		if d.Name == "skip" && b || d.Name == "include" && !b {
			return true
		}
	}
	return false
}

// thousands writes n with comma separators, as GitHub's messages do.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
