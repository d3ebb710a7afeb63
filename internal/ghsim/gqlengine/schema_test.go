package gqlengine

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPublishedSchemaCorrections(t *testing.T) {
	s := githubSchema(t)
	// If GitHub fixes its schema, or breaks it differently, this fails and
	// the package comment and ParseSchema's must be brought up to date.
	want := []string{
		"EnterpriseOwnerInfo.repositoryDeployKeySetting",
		"EnterpriseOwnerInfo.repositoryDeployKeySettingOrganizations",
	}
	if got := s.Corrections(); !reflect.DeepEqual(got, want) {
		t.Errorf("corrections: got %q, want %q", got, want)
	}
	if again, _ := DefaultSchema(); again != s {
		t.Error("DefaultSchema loaded the schema twice")
	}
}

func TestParseSchemaRefusesConflictingRepeats(t *testing.T) {
	_, err := ParseSchema("tiny.graphql", `type Query { a: Int a: String }`)
	if err == nil || !strings.Contains(err.Error(), "Query.a twice, differently (Int and String)") {
		t.Errorf("got %v", err)
	}
	s, err := ParseSchema("tiny.graphql", `type Query { a(x: Int = 1): Int a(x: Int = 1): Int b: Int }`)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Corrections(); !reflect.DeepEqual(got, []string{"Query.a"}) {
		t.Errorf("corrections: got %q", got)
	}
}

func TestLoadSchemaMissingFile(t *testing.T) {
	_, err := LoadSchema(filepath.Join(t.TempDir(), "schema.graphql"))
	if err == nil || !strings.Contains(err.Error(), "read graphql schema") {
		t.Errorf("got %v", err)
	}
}

// Every field GitHub types as a connection takes first or last, so the
// pagination rule never has to let one through unchecked.
func TestEveryConnectionCanBePaginated(t *testing.T) {
	s := githubSchema(t)
	count := 0
	for _, def := range s.AST().Types {
		for _, f := range def.Fields {
			td := s.AST().Types[f.Type.Name()]
			if td == nil || td.Kind != "OBJECT" || !strings.HasSuffix(td.Name, "Connection") {
				continue
			}
			count++
			if !isConnection(f, td) {
				t.Errorf("%s.%s returns %s but takes neither first nor last", def.Name, f.Name, td.Name)
			}
		}
	}
	if count < 100 {
		t.Errorf("found only %d connection fields; is this GitHub's schema?", count)
	}
}
