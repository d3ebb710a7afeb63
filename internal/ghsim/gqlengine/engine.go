package gqlengine

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Request is the JSON body of a POST to /graphql.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// Response is the result of one call. Its MarshalJSON writes what GitHub
// sends back: {"data": ..., "errors": [...]}; the other fields are for the
// simulator's request log and rate limits.
type Response struct {
	// Data is the result, *Map at the top; nil when the call failed before
	// execution (parse, validation, variables, pagination, node limit) or
	// when a null reached the root.
	Data   any
	Errors []*Error
	// Operation is "query" or "mutation".
	Operation string
	// OperationName is the document's name for the operation or, for an
	// anonymous one, its root field names joined by commas.
	OperationName string
	// Cost is computed before execution; only its Secondary part is set
	// when the call failed validation.
	Cost Cost

	// executed tells "data": null after a null reached the root apart from
	// no "data" at all, as GitHub sends when it refuses a document.
	executed bool
}

// MarshalJSON writes the response body GitHub would send, with <, > and &
// left as they are, as GitHub leaves them. json.Marshal escapes them again
// on its way out: to send GitHub's exact bytes, write what MarshalJSON
// returns (or use an Encoder with SetEscapeHTML(false)).
func (r *Response) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	if r.executed || r.Data != nil {
		buf.WriteString(`"data":`)
		if err := writeJSON(&buf, r.Data); err != nil {
			return nil, err
		}
	}
	if len(r.Errors) > 0 {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.WriteString(`"errors":`)
		if err := writeLeaf(&buf, r.Errors); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Prepared is a call that passed every gate GitHub applies before running
// anything: parsing, validation, variables, pagination and node limits.
// Its Cost is known, so the simulator can charge it (or refuse it for lack
// of rate limit) before Execute runs any resolver.
type Prepared struct {
	schema *Schema
	doc    *ast.QueryDocument
	op     *ast.OperationDefinition
	vars   map[string]any

	Operation string // "query" or "mutation"
	Name      string // as Response.OperationName
	Cost      Cost
	// RootFields counts the root fields the operation selects, each alias
	// on its own: the mutations of a batch.
	RootFields int
}

// Execute prepares req and, if it passes, runs it against roots.
func (s *Schema) Execute(ctx context.Context, req Request, roots Roots) *Response {
	p, failed := s.Prepare(req)
	if failed != nil {
		return failed
	}
	return p.Execute(ctx, roots)
}

// Prepare runs every check GitHub makes before execution. It returns either
// a Prepared call or the failed Response to send back, never both.
func (s *Schema) Prepare(req Request) (*Prepared, *Response) {
	fail := func(op *ast.OperationDefinition, errs ...*Error) (*Prepared, *Response) {
		r := &Response{Errors: errs, Operation: string(ast.Query), Cost: Cost{Secondary: 1}}
		if op != nil {
			r.Operation, r.OperationName = operationKind(op), operationName(op)
			if op.Operation == ast.Mutation {
				r.Cost.Secondary = 5
			}
		}
		return nil, r
	}
	if strings.TrimSpace(req.Query) == "" {
		return fail(nil, &Error{Message: "A query attribute must be specified and must be a string."})
	}
	doc, perr := parseQuery(req.Query)
	if perr != nil {
		return fail(nil, perr)
	}
	op, operr := selectOperation(doc, req.OperationName)
	if errs := s.validate(doc); len(errs) > 0 {
		return fail(op, errs...)
	}
	if operr != nil {
		return fail(op, operr)
	}
	if op.Operation != ast.Query && op.Operation != ast.Mutation {
		return fail(op, &Error{Message: fmt.Sprintf("%s operations are not supported", op.Operation)})
	}
	vars, verr := s.coerceVariables(op, req.Variables)
	if verr != nil {
		return fail(op, verr)
	}
	cost, errs := s.analyse(doc, op, vars)
	if len(errs) > 0 {
		_, r := fail(op, errs...)
		r.Cost = cost
		return nil, r
	}
	return &Prepared{
		schema:     s,
		doc:        doc,
		op:         op,
		vars:       vars,
		Operation:  operationKind(op),
		Name:       operationName(op),
		Cost:       cost,
		RootFields: countRootFields(op.SelectionSet),
	}, nil
}

// countRootFields counts the fields of a root selection set, through
// fragments; a field asked twice under one alias (or name) counts once, as
// it runs once.
func countRootFields(set ast.SelectionSet) int {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				key := sel.Alias
				if key == "" {
					key = sel.Name
				}
				seen[key] = true
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				if sel.Definition != nil {
					walk(sel.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return len(seen)
}

// selectOperation picks the operation to run, as the spec's GetOperation
// does. It returns its best guess along with an error, so a failed
// response can still be named.
func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *Error) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, &Error{Message: fmt.Sprintf("No operation named %q", name)}
	}
	switch len(doc.Operations) {
	case 0:
		return nil, &Error{Message: "The document contains no operation"}
	case 1:
		return doc.Operations[0], nil
	}
	return doc.Operations[0], &Error{Message: "An operation name is required"}
}

func operationKind(op *ast.OperationDefinition) string {
	if op.Operation == "" {
		return string(ast.Query)
	}
	return string(op.Operation)
}

// operationName names an operation for request logs: its own name, or the
// names of the root fields it asks for.
func operationName(op *ast.OperationDefinition) string {
	if op.Name != "" {
		return op.Name
	}
	var names []string
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if !seen[sel.Name] {
					seen[sel.Name] = true
					names = append(names, sel.Name)
				}
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				if sel.Definition != nil {
					walk(sel.Definition.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return strings.Join(names, ",")
}

// Execute runs the prepared call against roots. Resolvers can read the
// call's cost with CostFromContext. Mutation root fields run one after
// another, in document order, as the spec requires; so do query fields,
// which keeps the simulator deterministic.
func (p *Prepared) Execute(ctx context.Context, roots Roots) *Response {
	resp := &Response{Operation: p.Operation, OperationName: p.Name, Cost: p.Cost, executed: true}
	def, root := p.schema.ast.Query, roots.Query
	if p.op.Operation == ast.Mutation {
		def, root = p.schema.ast.Mutation, roots.Mutation
	}
	switch {
	case def == nil:
		resp.Errors = []*Error{{Message: fmt.Sprintf("the schema has no %s type", p.Operation)}}
		return resp
	case root == nil:
		resp.Errors = []*Error{{Message: fmt.Sprintf("the simulator has no %s root", p.Operation)}}
		return resp
	case root.TypeName() != def.Name:
		resp.Errors = []*Error{{Message: fmt.Sprintf("the simulator's %s root is a %s, not a %s", p.Operation, root.TypeName(), def.Name)}}
		return resp
	}
	ex := &executor{s: p.schema, doc: p.doc, vars: p.vars}
	if data := ex.selectionSet(ContextWithCost(ctx, p.Cost), def, root, p.op.SelectionSet, nil); data != nil {
		resp.Data = data
	}
	resp.Errors = ex.errs
	return resp
}
