package gqlengine

import (
	"context"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/schemas"
)

// BenchmarkExecuteItemsPage validates and executes a full 100-item board
// page, the query nanobots sends most.
func BenchmarkExecuteItemsPage(b *testing.B) {
	s := githubSchema(b)
	f := newFake(100)
	roots := f.roots()
	req := Request{Query: itemsPageQuery, Variables: map[string]any{"login": "octocat", "number": 5, "cursor": nil}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp := s.Execute(ctx, req, roots)
		if len(resp.Errors) > 0 {
			b.Fatal(resp.Errors[0])
		}
	}
}

// BenchmarkPrepareItemsPage is the part before any resolver runs: parse,
// validate, coerce variables, check pagination and cost.
func BenchmarkPrepareItemsPage(b *testing.B) {
	s := githubSchema(b)
	req := Request{Query: itemsPageQuery, Variables: map[string]any{"login": "octocat", "number": 5, "cursor": nil}}
	b.ReportAllocs()
	for b.Loop() {
		if _, failed := s.Prepare(req); failed != nil {
			b.Fatal(failed.Errors[0])
		}
	}
}

func BenchmarkLoadSchema(b *testing.B) {
	path, err := schemas.GraphQLPath()
	if err != nil {
		b.Fatalf("GitHub's GraphQL schema is required: %v (run scripts/fetch-schemas.sh)", err)
	}
	for b.Loop() {
		if _, err := LoadSchema(path); err != nil {
			b.Fatal(err)
		}
	}
}
