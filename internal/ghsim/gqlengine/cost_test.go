package gqlengine

import (
	"context"
	"testing"
)

// docsExample is the example in GitHub's docs ("Rate limits and query
// limits for the GraphQL API"), which they cost at 5,101 requests, 51 points.
const docsExample = `query {
  viewer {
    login
    repositories(first: 100) {
      edges {
        node {
          id

          issues(first: 50) {
            edges {
              node {
                id

                labels(first: 60) {
                  edges {
                    node {
                      id
                      name
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`

func TestCost(t *testing.T) {
	s := githubSchema(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  Cost
	}{
		{
			name:  "GitHub docs example",
			query: docsExample,
			want:  Cost{Points: 51, Requests: 5_101, Nodes: 305_100, Secondary: 1},
		},
		{
			name: "docs example through named and inline fragments",
			query: `query { viewer { login ...Repos } }
fragment Repos on User { repositories(first: 100) { edges { node { ... on Repository { id ...Issues } } } } }
fragment Issues on Repository { issues(first: 50) { edges { node { id ... on Labelable { labels(first: 60) { edges { node { id name } } } } } } } }`,
			want: Cost{Points: 51, Requests: 5_101, Nodes: 305_100, Secondary: 1},
		},
		{
			name:  "ProjectV2 items page (research report §1.3)",
			query: itemsPageQuery,
			vars:  map[string]any{"login": "octocat", "number": 5},
			want:  Cost{Points: 2, Requests: 202, Nodes: 4_150, Secondary: 1},
		},
		{
			name:  "no connection costs the minimum",
			query: `{ viewer { login } }`,
			want:  Cost{Points: 1, Requests: 0, Nodes: 0, Secondary: 1},
		},
		{
			name:  "101 requests round down to 1",
			query: `{ viewer { repositories(first: 50) { nodes { a: issues(first: 1) { totalCount } b: issues(last: 1) { totalCount } } } } }`,
			want:  Cost{Points: 1, Requests: 101, Nodes: 150, Secondary: 1},
		},
		{
			name:  "151 requests round up to 2",
			query: `{ viewer { repositories(first: 50) { nodes { a: issues(first: 1) { totalCount } b: issues(last: 1) { totalCount } watchers(first: 2) { totalCount } } } } }`,
			want:  Cost{Points: 2, Requests: 151, Nodes: 250, Secondary: 1},
		},
		{
			name:  "skipped connection costs nothing",
			query: `query($all: Boolean!) { viewer { repositories(first: 100) @include(if: $all) { totalCount } } }`,
			vars:  map[string]any{"all": false},
			want:  Cost{Points: 1, Requests: 0, Nodes: 0, Secondary: 1},
		},
		{
			name:  "mutation",
			query: `mutation { addComment(input: {subjectId: "I_1", body: "hi"}) { commentEdge { node { id } } } }`,
			want:  Cost{Points: 1, Requests: 0, Nodes: 0, Secondary: 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, failed := s.Prepare(Request{Query: tt.query, Variables: tt.vars})
			if failed != nil {
				t.Fatalf("refused: %v", jsonOf(t, failed.Errors))
			}
			if p.Cost != tt.want {
				t.Errorf("cost: got %+v, want %+v", p.Cost, tt.want)
			}
		})
	}
}

func TestRateLimitFieldSeesTheCost(t *testing.T) {
	s := githubSchema(t)
	resp := mustExecute(t, s, newFake(2), itemsPageQuery, map[string]any{"login": "octocat", "number": 5})
	data := jsonOf(t, resp.Data)
	if got := dig(t, data, "rateLimit", "cost"); got != 2.0 {
		t.Errorf("rateLimit.cost: got %v, want 2", got)
	}
	if got := dig(t, data, "rateLimit", "nodeCount"); got != 4150.0 {
		t.Errorf("rateLimit.nodeCount: got %v, want 4150", got)
	}
	if resp.Cost.Points != 2 {
		t.Errorf("response cost: got %d, want 2", resp.Cost.Points)
	}
}

func TestCostFromContextOutsideACall(t *testing.T) {
	if _, ok := CostFromContext(context.Background()); ok {
		t.Error("got a cost from a bare context")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 500_000: "500,000", 1_010_100: "1,010,100"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d): got %q, want %q", n, got, want)
		}
	}
}
