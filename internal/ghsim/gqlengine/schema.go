package gqlengine

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/nanobots-dev/nanobots/internal/schemas"
)

// Schema is GitHub's GraphQL schema, loaded once and safe for concurrent use
// by any number of Execute calls.
type Schema struct {
	ast         *ast.Schema
	corrections []string
	// possible maps an interface or union name to the object types that
	// can stand for it, for fragment type conditions and abstract results.
	possible map[string]map[string]bool
	rules    *rules.Rules
}

// LoadSchema reads and loads the schema at path (GitHub's schema.graphql).
func LoadSchema(path string) (*Schema, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read graphql schema: %w", err)
	}
	return ParseSchema(path, string(src))
}

var defaultSchema = sync.OnceValues(func() (*Schema, error) {
	path, err := schemas.GraphQLPath()
	if err != nil {
		return nil, err
	}
	return LoadSchema(path)
})

// DefaultSchema loads GitHub's schema from where scripts/fetch-schemas.sh
// puts it (see package schemas) the first time it is called, and returns the
// same *Schema, or the same error, every time after.
func DefaultSchema() (*Schema, error) { return defaultSchema() }

// ParseSchema loads a schema from its SDL text; name is used in error
// messages.
//
// This is the one place where we correct GitHub's published schema: as
// published it declares some fields twice in one type (EnterpriseOwnerInfo
// has repositoryDeployKeySetting and repositoryDeployKeySettingOrganizations
// twice), which the GraphQL spec forbids and gqlparser refuses. ParseSchema
// drops a repeated field definition when it is identical to the first one,
// and fails when the two differ, because then we could not know which one
// GitHub serves. Corrections lists what was dropped.
func ParseSchema(name, src string) (*Schema, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: name, Input: src})
	if err != nil {
		return nil, fmt.Errorf("parse graphql schema: %w", err)
	}
	var corrections []string
	for _, list := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range list {
			dropped, err := dropRepeatedFields(def)
			if err != nil {
				return nil, err
			}
			corrections = append(corrections, dropped...)
		}
	}
	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("validate graphql schema: %w", err)
	}
	return newSchema(s, corrections), nil
}

// dropRepeatedFields removes the second and later definitions of a field
// within def and returns "Type.field" for each one removed.
func dropRepeatedFields(def *ast.Definition) ([]string, error) {
	seen := make(map[string]*ast.FieldDefinition, len(def.Fields))
	kept := def.Fields[:0]
	var dropped []string
	for _, f := range def.Fields {
		first, ok := seen[f.Name]
		if !ok {
			seen[f.Name] = f
			kept = append(kept, f)
			continue
		}
		if !sameFieldDefinition(first, f) {
			return nil, fmt.Errorf("graphql schema declares %s.%s twice, differently (%s and %s): cannot tell which GitHub serves",
				def.Name, f.Name, first.Type.String(), f.Type.String())
		}
		dropped = append(dropped, def.Name+"."+f.Name)
	}
	def.Fields = kept
	return dropped, nil
}

func sameFieldDefinition(a, b *ast.FieldDefinition) bool {
	if a.Type.String() != b.Type.String() || len(a.Arguments) != len(b.Arguments) {
		return false
	}
	for i, arg := range a.Arguments {
		other := b.Arguments[i]
		if arg.Name != other.Name || arg.Type.String() != other.Type.String() ||
			arg.DefaultValue.String() != other.DefaultValue.String() {
			return false
		}
	}
	return true
}

func newSchema(s *ast.Schema, corrections []string) *Schema {
	possible := make(map[string]map[string]bool, len(s.PossibleTypes))
	for abstract, defs := range s.PossibleTypes {
		set := make(map[string]bool, len(defs))
		for _, d := range defs {
			if d != nil && d.Kind == ast.Object {
				set[d.Name] = true
			}
		}
		possible[abstract] = set
	}
	return &Schema{ast: s, corrections: corrections, possible: possible, rules: newRules()}
}

// AST returns the parsed schema, for resolvers that need to look at it
// (for example to list an enum's values). Callers must not modify it.
func (s *Schema) AST() *ast.Schema { return s.ast }

// Corrections lists the repeated field definitions ParseSchema dropped, as
// "Type.field", in schema order.
func (s *Schema) Corrections() []string { return append([]string(nil), s.corrections...) }

// typeApplies reports whether an object of type object matches a fragment
// on condition (the object type itself, or an interface or union holding it).
func (s *Schema) typeApplies(condition string, object string) bool {
	return condition == "" || condition == object || s.possible[condition][object]
}

// isConnection reports whether a field follows the connection pattern GitHub
// enforces pagination on: its type's name ends in "Connection" and it takes
// first or last. A connection-named field without those arguments could
// never satisfy the rule, so it is left alone.
func isConnection(fd *ast.FieldDefinition, def *ast.Definition) bool {
	if def == nil || def.Kind != ast.Object || !strings.HasSuffix(def.Name, "Connection") {
		return false
	}
	return fd.Arguments.ForName("first") != nil || fd.Arguments.ForName("last") != nil
}
