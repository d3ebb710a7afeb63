package gqlengine

import (
	"context"
	"fmt"
)

// Object is a value of a GraphQL object type, implemented by the simulator.
//
// Field returns the value of one field for the given arguments, already
// coerced: variables substituted, defaults applied, Int as int, Float as
// float64, ID, String, enums and custom scalars as string, Boolean as bool,
// lists as []any and input objects as map[string]any. An absent optional
// argument is absent from args, an explicit null is present as nil. The
// engine passes the same args map to every call for one place in the
// document (each item of a list, say), so Field must not modify it.
//
// Field may return:
//
//   - nil, for null;
//   - a string, bool, any Go integer or float (for leaf types; enum values are
//     strings, and a time.Time is written as an ISO 8601 string);
//   - an Object, for an object, interface or union type;
//   - a slice ([]any, []Object or any other), for a list type;
//   - an error, for a field error: an *Error keeps its Type (NOT_FOUND,
//     FORBIDDEN, STALE_DATA, UNPROCESSABLE, ...); the engine adds the path and
//     location.
//
// Field is never called for __typename: TypeName answers that.
type Object interface {
	// TypeName is the object's concrete GraphQL type, for example "User" or
	// "ProjectV2SingleSelectField". It decides which fragments apply.
	TypeName() string
	Field(ctx context.Context, name string, args map[string]any) (any, error)
}

// Roots are the objects an operation starts from: Query for queries,
// Mutation for mutations. Their TypeName must be the schema's "Query" and
// "Mutation".
type Roots struct {
	Query, Mutation Object
}

// Resolver computes one field of a Record when it is asked for.
type Resolver func(ctx context.Context, args map[string]any) (any, error)

// Record is an Object made of a type name and its fields' values, for
// objects that are mostly plain data (mutation payloads, test fakes). A
// value that is a Resolver, or a func with Resolver's signature, is called
// each time its field is resolved; any other value is returned as it is.
type Record struct {
	Type   string
	Fields map[string]any
}

// NewRecord returns a Record of the given GraphQL type.
func NewRecord(typeName string, fields map[string]any) *Record {
	return &Record{Type: typeName, Fields: fields}
}

// TypeName implements Object.
func (r *Record) TypeName() string { return r.Type }

// Field implements Object. A field the Record does not hold is an error
// rather than null, so a gap in the simulator shows instead of passing for
// GitHub's answer.
func (r *Record) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	v, ok := r.Fields[name]
	if !ok {
		return nil, fmt.Errorf("the simulator does not implement %s.%s", r.Type, name)
	}
	switch fn := v.(type) {
	case Resolver:
		return fn(ctx, args)
	case func(context.Context, map[string]any) (any, error):
		return fn(ctx, args)
	}
	return v, nil
}
