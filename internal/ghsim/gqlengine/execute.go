package gqlengine

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// executor runs one validated operation, following the GraphQL spec's
// "Executing Selection Sets" and "Value Completion". It collects field
// errors as it goes and keeps the data that did resolve, as GitHub does.
type executor struct {
	s    *Schema
	doc  *ast.QueryDocument
	vars map[string]any
	errs []*Error

	// A list repeats the same selection on every item, and variables are
	// fixed for the call, so field collection and argument coercion are
	// done once per place in the document and reused.
	collected map[collectKey][]*fieldGroup
	args      map[argsKey]argsResult
}

type collectKey struct {
	obj   *ast.Definition
	field *ast.Field // nil for the operation's own selection set
}

type argsKey struct {
	field *ast.Field
	def   *ast.FieldDefinition
}

type argsResult struct {
	args map[string]any
	err  *Error
}

// pathNode is a response path kept as a linked list, so that a path is only
// built into a slice for the rare field that has an error.
type pathNode struct {
	parent *pathNode
	key    any // string for a field, int for a list index
}

func (p *pathNode) slice() []any {
	n := 0
	for q := p; q != nil; q = q.parent {
		n++
	}
	out := make([]any, n)
	for q := p; q != nil; q = q.parent {
		n--
		out[n] = q.key
	}
	return out
}

// fieldGroup is every field node answering one response key, merged as the
// spec's CollectFields merges them.
type fieldGroup struct {
	key    string
	fields []*ast.Field
}

func (e *executor) collect(obj *ast.Definition, set ast.SelectionSet, groups []*fieldGroup, index map[string]*fieldGroup, visited map[string]bool) []*fieldGroup {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if skipped(sel.Directives, e.vars) {
				continue
			}
			key := responseKey(sel)
			if g, ok := index[key]; ok {
				g.fields = append(g.fields, sel)
				continue
			}
			g := &fieldGroup{key: key, fields: []*ast.Field{sel}}
			index[key] = g
			groups = append(groups, g)
		case *ast.InlineFragment:
			if skipped(sel.Directives, e.vars) || !e.s.typeApplies(sel.TypeCondition, obj.Name) {
				continue
			}
			groups = e.collect(obj, sel.SelectionSet, groups, index, visited)
		case *ast.FragmentSpread:
			if skipped(sel.Directives, e.vars) || visited[sel.Name] {
				continue
			}
			visited[sel.Name] = true
			frag := e.doc.Fragments.ForName(sel.Name)
			if frag == nil || !e.s.typeApplies(frag.TypeCondition, obj.Name) {
				continue
			}
			groups = e.collect(obj, frag.SelectionSet, groups, index, visited)
		}
	}
	return groups
}

// selectionSet resolves set on o, an object of type obj, as run does.
func (e *executor) selectionSet(ctx context.Context, obj *ast.Definition, o Object, set ast.SelectionSet, path *pathNode) *Map {
	return e.run(ctx, obj, o, e.collect(obj, set, nil, map[string]*fieldGroup{}, map[string]bool{}), path)
}

// subSelection resolves the merged selections of fields on o, reusing the
// collection made for the previous item of a list.
func (e *executor) subSelection(ctx context.Context, obj *ast.Definition, o Object, fields []*ast.Field, path *pathNode) *Map {
	if len(fields) > 1 {
		var set ast.SelectionSet
		for _, f := range fields {
			set = append(set, f.SelectionSet...)
		}
		return e.selectionSet(ctx, obj, o, set, path)
	}
	key := collectKey{obj: obj, field: fields[0]}
	groups, ok := e.collected[key]
	if !ok {
		groups = e.collect(obj, fields[0].SelectionSet, nil, map[string]*fieldGroup{}, map[string]bool{})
		if e.collected == nil {
			e.collected = map[collectKey][]*fieldGroup{}
		}
		e.collected[key] = groups
	}
	return e.run(ctx, obj, o, groups, path)
}

// run resolves the collected fields on o in order. It returns nil when a
// non-null field came back null, which makes this object null in turn. The
// other fields still run, as graphql-ruby runs them, so their errors are
// reported too and every mutation field asked for takes effect.
func (e *executor) run(ctx context.Context, obj *ast.Definition, o Object, groups []*fieldGroup, path *pathNode) *Map {
	m := newMap(len(groups))
	nulled := false
	for _, g := range groups {
		v, ok := e.field(ctx, obj, o, g, &pathNode{parent: path, key: g.key})
		if !ok {
			nulled = true
			continue
		}
		m.set(g.key, v)
	}
	if nulled {
		return nil
	}
	return m
}

// field resolves one response key; ok is false when its value is null in a
// non-null position, which the parent must then absorb.
func (e *executor) field(ctx context.Context, obj *ast.Definition, o Object, g *fieldGroup, path *pathNode) (any, bool) {
	f := g.fields[0]
	if f.Name == "__typename" {
		return obj.Name, true
	}
	// The concrete type's definition, not the interface's the validator
	// saw: an object may narrow a field's type.
	fd := obj.Fields.ForName(f.Name)
	if fd == nil {
		fd = f.Definition
	}
	if f.Name == "__schema" || f.Name == "__type" {
		e.fail(path, f, &Error{Message: "the GitHub simulator does not support introspection"})
		return nil, !fd.Type.NonNull
	}
	args, aerr := e.arguments(f, fd)
	if aerr != nil {
		e.fail(path, f, aerr)
		return nil, !fd.Type.NonNull
	}
	v, err := resolve(ctx, o, f.Name, args)
	if err != nil {
		e.fail(path, f, asError(err))
		return nil, !fd.Type.NonNull
	}
	return e.complete(ctx, fd.Type, g.fields, v, path, obj.Name+"."+f.Name)
}

func (e *executor) arguments(f *ast.Field, fd *ast.FieldDefinition) (map[string]any, *Error) {
	key := argsKey{field: f, def: fd}
	if r, ok := e.args[key]; ok {
		return r.args, r.err
	}
	args, err := e.s.argumentValues(fd.Arguments, f.Arguments, e.vars)
	if e.args == nil {
		e.args = map[argsKey]argsResult{}
	}
	e.args[key] = argsResult{args: args, err: err}
	return args, err
}

// resolve calls the resolver, turning a panic into a field error: one
// broken resolver should cost one field, not the simulator's whole answer.
func resolve(ctx context.Context, o Object, name string, args map[string]any) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the simulator failed resolving %s.%s: %v", o.TypeName(), name, r)
		}
	}()
	return o.Field(ctx, name, args)
}

// complete turns a resolver's value into response data of type t. ok is
// false when the result is null where t is non-null: the error is recorded
// and the null moves up to the nearest nullable parent.
func (e *executor) complete(ctx context.Context, t *ast.Type, fields []*ast.Field, v any, path *pathNode, where string) (any, bool) {
	out, ok := e.completeNullable(ctx, t, fields, v, path, where)
	if !t.NonNull {
		return out, true
	}
	if !ok {
		return nil, false
	}
	if out == nil {
		e.fail(path, fields[0], &Error{Message: "Cannot return null for non-nullable field " + where})
		return nil, false
	}
	return out, true
}

// completeNullable completes v as t without t's own non-null marker. ok is
// false when an error (already recorded) made the value null.
func (e *executor) completeNullable(ctx context.Context, t *ast.Type, fields []*ast.Field, v any, path *pathNode, where string) (any, bool) {
	if isNil(v) {
		return nil, true
	}
	if err, isErr := v.(error); isErr {
		// A list element a resolver could not give, as nodes(ids:) with an
		// id GitHub cannot resolve: null in its place, the error at its path.
		e.fail(path, fields[0], asError(err))
		return nil, false
	}
	if t.Elem != nil {
		return e.completeList(ctx, t.Elem, fields, v, path, where)
	}
	def := e.s.ast.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		out, err := serializeLeaf(def, v)
		if err != nil {
			e.fail(path, fields[0], err)
			return nil, false
		}
		return out, true
	}
	o, isObject := v.(Object)
	if !isObject {
		e.fail(path, fields[0], &Error{Message: fmt.Sprintf("the simulator returned a %T for %s, which needs a %s", v, where, def.Name)})
		return nil, false
	}
	concrete := e.s.ast.Types[o.TypeName()]
	if concrete == nil || concrete.Kind != ast.Object || !e.s.typeApplies(def.Name, concrete.Name) {
		e.fail(path, fields[0], &Error{Message: fmt.Sprintf("the simulator returned a %s for %s, which needs a %s", o.TypeName(), where, def.Name)})
		return nil, false
	}
	m := e.subSelection(ctx, concrete, o, fields, path)
	if m == nil {
		return nil, false
	}
	return m, true
}

func (e *executor) completeList(ctx context.Context, elem *ast.Type, fields []*ast.Field, v any, path *pathNode, where string) (any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		e.fail(path, fields[0], &Error{Message: fmt.Sprintf("the simulator returned a %T for %s, which needs a list", v, where)})
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		item, ok := e.complete(ctx, elem, fields, rv.Index(i).Interface(), &pathNode{parent: path, key: i}, where)
		if !ok {
			return nil, false
		}
		out[i] = item
	}
	return out, true
}

func (e *executor) fail(path *pathNode, f *ast.Field, err *Error) {
	if err.Path == nil {
		err.Path = path.slice()
	}
	if err.Locations == nil && f.Position != nil {
		err.Locations = []Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	e.errs = append(e.errs, err)
}

// isNil is true for nil and for a nil pointer, map, slice or func inside an
// interface, which a resolver returns easily by accident and means null.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// serializeLeaf writes a scalar or enum value the way its type requires.
// GitHub's custom scalars (DateTime, URI, GitObjectID, Base64String, HTML,
// ...) are strings on the wire and pass through as given, except that a
// time.Time is written in the ISO 8601 form GitHub uses. Failures carry
// graphql-ruby's messages, which is why they are capitalised.
func serializeLeaf(def *ast.Definition, v any) (any, *Error) {
	if def.Kind == ast.Enum {
		s, ok := stringKind(v)
		if !ok || def.EnumValues.ForName(s) == nil {
			return nil, leafError("%v is not a value of enum %s", v, def.Name)
		}
		return s, nil
	}
	switch def.Name {
	case "Int":
		n, ok := wholeNumber(v)
		if !ok {
			return nil, leafError("Int cannot represent non-integer value: %v", v)
		}
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, leafError("Int cannot represent non 32-bit signed integer value: %v", v)
		}
		return int(n), nil
	case "Float":
		f, ok := anyNumber(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, leafError("Float cannot represent non numeric value: %v", v)
		}
		return f, nil
	case "String":
		s, ok := stringKind(v)
		if !ok {
			return nil, leafError("String cannot represent a non string value: %v", v)
		}
		return s, nil
	case "Boolean":
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Bool {
			return nil, leafError("Boolean cannot represent a non boolean value: %v", v)
		}
		return rv.Bool(), nil
	case "ID":
		if s, ok := stringKind(v); ok {
			return s, nil
		}
		if n, ok := wholeNumber(v); ok {
			return fmt.Sprint(n), nil
		}
		return nil, leafError("ID cannot represent a non-string and non-integer value: %v", v)
	}
	if t, ok := v.(time.Time); ok {
		switch def.Name {
		case "Date":
			return t.UTC().Format(time.DateOnly), nil
		case "PreciseDateTime":
			return t.UTC().Format("2006-01-02T15:04:05.000Z"), nil
		}
		return t.UTC().Format(time.RFC3339), nil
	}
	return v, nil
}

func leafError(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// stringKind accepts a string or a value of a named string type, such as
// an enum type the simulator declares.
func stringKind(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}
