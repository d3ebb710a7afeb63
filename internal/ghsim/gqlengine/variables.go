package gqlengine

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"
)

// problem is one reason a variable's value was refused, in graphql-ruby's
// terms: where inside the value, and why.
type problem struct {
	path        []any
	explanation string
}

// coerceVariables checks the request's variables against the operation's
// declarations and returns them in the Go types resolvers get (see
// coerceInput). A refused variable gives graphql-ruby's error: "Variable
// $input of type T! was provided invalid value for a.b (why)", with the
// problems in extensions.
//
// Our own coercion runs first because it is stricter than gqlparser's in
// the ways GitHub is (an Int given as a string is refused, enum values are
// case-sensitive); gqlparser's validator.VariableValues runs after it as a
// second opinion, so nothing it refuses gets through.
func (s *Schema) coerceVariables(op *ast.OperationDefinition, given map[string]any) (map[string]any, *Error) {
	out := make(map[string]any, len(op.VariableDefinitions))
	for _, def := range op.VariableDefinitions {
		raw, ok := given[def.Variable]
		if !ok && def.DefaultValue != nil {
			v, err := def.DefaultValue.Value(nil)
			if err != nil {
				return nil, variableError(def, nil, []problem{{path: []any{}, explanation: err.Error()}})
			}
			raw, ok = v, true
		}
		if !ok {
			if def.Type.NonNull {
				return nil, variableError(def, nil, []problem{{path: []any{}, explanation: "Expected value to not be null"}})
			}
			// Absent stays absent: an argument fed by it takes its default.
			continue
		}
		var probs []problem
		v := s.coerceInput(def.Type, raw, []any{}, &probs)
		if len(probs) > 0 {
			return nil, variableError(def, raw, probs)
		}
		out[def.Variable] = v
	}
	if _, err := validator.VariableValues(s.ast, op, deepCopy(given).(map[string]any)); err != nil {
		return nil, gqlparserVariableError(op, err)
	}
	return out, nil
}

func variableError(def *ast.VariableDefinition, value any, probs []problem) *Error {
	msg := fmt.Sprintf("Variable $%s of type %s was provided invalid value", def.Variable, def.Type.String())
	if p := probs[0]; len(p.path) > 0 {
		msg += fmt.Sprintf(" for %s (%s)", joinPath(p.path), p.explanation)
	}
	list := make([]any, len(probs))
	for i, p := range probs {
		list[i] = map[string]any{"path": p.path, "explanation": p.explanation}
	}
	e := &Error{Message: msg, Extensions: map[string]any{"value": value, "problems": list}}
	if def.Position != nil {
		e.Locations = []Location{{Line: def.Position.Line, Column: def.Position.Column}}
	}
	return e
}

// gqlparserVariableError words a refusal that only gqlparser found.
func gqlparserVariableError(op *ast.OperationDefinition, err error) *Error {
	ge := gqlerror.WrapIfUnwrapped(err)
	// gqlparser's path is ["variable", name, where inside...].
	var name string
	var inner []any
	if len(ge.Path) >= 2 {
		name = fmt.Sprint(ge.Path[1])
		for _, el := range ge.Path[2:] {
			switch el := el.(type) {
			case ast.PathIndex:
				inner = append(inner, int(el))
			default:
				inner = append(inner, fmt.Sprint(el))
			}
		}
	}
	def := op.VariableDefinitions.ForName(name)
	if def == nil {
		return &Error{Message: ge.Message}
	}
	if inner == nil {
		inner = []any{}
	}
	return variableError(def, nil, []problem{{path: inner, explanation: ge.Message}})
}

func joinPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// coerceInput checks v against an input type and returns it as resolvers
// get it: Int as int, Float as float64, ID, String, custom scalars and enum
// values as string, Boolean as bool, lists as []any and input objects as
// map[string]any with their fields' defaults filled in. Problems are appended
// to probs with their place inside the value.
func (s *Schema) coerceInput(t *ast.Type, v any, path []any, probs *[]problem) any {
	if v == nil {
		if t.NonNull {
			*probs = append(*probs, problem{path: path, explanation: "Expected value to not be null"})
		}
		return nil
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			// The spec coerces a single value to a list of one.
			return []any{s.coerceInput(t.Elem, v, path, probs)}
		}
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = s.coerceInput(t.Elem, item, withKey(path, i), probs)
		}
		return out
	}
	def := s.ast.Types[t.NamedType]
	if def == nil {
		*probs = append(*probs, problem{path: path, explanation: "No such type " + t.NamedType})
		return nil
	}
	switch def.Kind {
	case ast.Enum:
		str, ok := v.(string)
		if !ok || def.EnumValues.ForName(str) == nil {
			*probs = append(*probs, problem{path: path, explanation: fmt.Sprintf("Expected %s to be one of: %s", jsonText(v), enumNames(def))})
			return nil
		}
		return str
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			*probs = append(*probs, problem{path: path, explanation: fmt.Sprintf("Expected %s to be a key-value object.", jsonText(v))})
			return nil
		}
		out := make(map[string]any, len(def.Fields))
		for key := range m {
			if def.Fields.ForName(key) == nil {
				*probs = append(*probs, problem{path: withKey(path, key), explanation: "Field is not defined on " + def.Name})
			}
		}
		for _, fd := range def.Fields {
			fv, ok := m[fd.Name]
			if !ok && fd.DefaultValue != nil {
				dv, err := fd.DefaultValue.Value(nil)
				if err == nil {
					fv, ok = dv, true
				}
			}
			if !ok {
				if fd.Type.NonNull {
					*probs = append(*probs, problem{path: withKey(path, fd.Name), explanation: "Expected value to not be null"})
				}
				continue
			}
			out[fd.Name] = s.coerceInput(fd.Type, fv, withKey(path, fd.Name), probs)
		}
		return out
	case ast.Scalar:
		out, ok := coerceScalarInput(def.Name, v)
		if !ok {
			*probs = append(*probs, problem{path: path, explanation: fmt.Sprintf("Could not coerce value %s to %s", jsonText(v), def.Name)})
			return nil
		}
		return out
	}
	*probs = append(*probs, problem{path: path, explanation: def.Name + " is not an input type"})
	return nil
}

// coerceScalarInput accepts what JSON decoding or a query literal can give
// for a built-in scalar; custom scalars (DateTime, URI, GitObjectID, ...)
// are passed through as GitHub's schema defines them only as strings.
func coerceScalarInput(scalar string, v any) (any, bool) {
	switch scalar {
	case "Int":
		n, ok := wholeNumber(v)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return nil, false
		}
		return int(n), true
	case "Float":
		f, ok := anyNumber(v)
		return f, ok
	case "String":
		str, ok := v.(string)
		return str, ok
	case "Boolean":
		b, ok := v.(bool)
		return b, ok
	case "ID":
		if str, ok := v.(string); ok {
			return str, true
		}
		if n, ok := wholeNumber(v); ok {
			return strconv.FormatInt(n, 10), true
		}
		return nil, false
	}
	if n, ok := v.(json.Number); ok {
		return n.String(), true
	}
	return v, true
}

// wholeNumber reads an integer from the types JSON decoding and literals
// produce: float64 (when whole), json.Number, or any Go integer.
func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n != math.Trunc(n) || math.IsInf(n, 0) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int64(n), true
	case float32:
		return wholeNumber(float64(n))
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > math.MaxInt64 {
			return 0, false
		}
		return int64(rv.Uint()), true
	}
	return 0, false
}

func anyNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	if n, ok := wholeNumber(v); ok {
		return float64(n), true
	}
	return 0, false
}

func enumNames(def *ast.Definition) string {
	names := make([]string, len(def.EnumValues))
	for i, ev := range def.EnumValues {
		names[i] = ev.Name
	}
	return strings.Join(names, ", ")
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// deepCopy copies the maps and slices JSON decoding produces, because
// gqlparser's VariableValues writes coerced values back into what it is
// given, and a caller may reuse its variables.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// argumentValues returns a field's (or directive's) arguments as resolvers
// get them: variables substituted, defaults applied, and values in the Go
// types coerceInput describes.
func (s *Schema) argumentValues(defs ast.ArgumentDefinitionList, args ast.ArgumentList, vars map[string]any) (map[string]any, *Error) {
	if len(defs) == 0 {
		return map[string]any{}, nil
	}
	// gqlparser's ArgumentMap does the substitution and the defaults; it
	// only needs a field that carries the definitions.
	raw := (&ast.Field{Definition: &ast.FieldDefinition{Arguments: defs}, Arguments: args}).ArgumentMap(vars)
	out := make(map[string]any, len(raw))
	for name, v := range raw {
		def := defs.ForName(name)
		var probs []problem
		out[name] = s.coerceInput(def.Type, v, []any{}, &probs)
		if len(probs) > 0 {
			p := probs[0]
			return nil, &Error{Message: fmt.Sprintf("Argument '%s' has an invalid value: %s", name, p.explanation)}
		}
	}
	return out, nil
}
