package gqlengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/schemas"
)

// githubSchema returns GitHub's real schema. A missing schema fails the
// test: skipping would let everything here pass without checking anything.
func githubSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := DefaultSchema()
	switch {
	case errors.Is(err, schemas.ErrMissing):
		t.Fatalf("GitHub's GraphQL schema is required: %v", err) // the error says how to fetch it
	case err != nil:
		t.Fatalf("GitHub's GraphQL schema is required: %v (run scripts/fetch-schemas.sh to fetch it again)", err)
	}
	return s
}

// fakeGitHub is a tiny resolver tree over the real schema: one user with
// one project whose items are issues and pull requests. It counts resolver
// calls, so tests can prove a refused request ran none.
type fakeGitHub struct {
	calls     int
	mutations []string // the mutation fields run, in order
	items     []any
	status    *Record
	title     *Record
}

const itemsPageQuery = `query($cursor:String,$login:String!,$number:Int!){user(login:$login){projectV2(number:$number){
 id,title,fields(first:50){nodes{... on ProjectV2SingleSelectField{id,name,options{id,name}},... on ProjectV2FieldCommon{id,name,dataType}}},
 items(first:100, after:$cursor){totalCount,pageInfo{hasNextPage,endCursor},nodes{id,isArchived,type,
  fieldValues(first:20){nodes{... on ProjectV2ItemFieldSingleSelectValue{name,optionId,field{... on ProjectV2FieldCommon{id,name}}},
                              ... on ProjectV2ItemFieldTextValue{text,field{... on ProjectV2FieldCommon{name}}}}},
  content{... on Issue{id,number,title,issueState: state,repository{nameWithOwner},labels(first:20){nodes{name}}},
          ... on PullRequest{id,number,prState: state}}}}}},rateLimit{cost,limit,remaining,nodeCount,resetAt}}`

func newFake(nItems int) *fakeGitHub {
	f := &fakeGitHub{}
	f.status = f.record("ProjectV2SingleSelectField", map[string]any{
		"id": "PVTSSF_status", "name": "Status", "dataType": "SINGLE_SELECT",
		"options": []any{
			f.record("ProjectV2SingleSelectFieldOption", map[string]any{"id": "47fc9ee4", "name": "Todo"}),
			f.record("ProjectV2SingleSelectFieldOption", map[string]any{"id": "98236657", "name": "Done"}),
		},
	})
	f.title = f.record("ProjectV2Field", map[string]any{"id": "PVTF_title", "name": "Title", "dataType": "TITLE"})
	repo := f.record("Repository", map[string]any{"nameWithOwner": "octo/repo"})
	for i := 1; i <= nItems; i++ {
		var content *Record
		kind := "ISSUE"
		if i%5 == 0 {
			kind = "PULL_REQUEST"
			content = f.record("PullRequest", map[string]any{"id": fmt.Sprintf("PR_%d", i), "number": i, "state": "MERGED"})
		} else {
			labels := []any{f.record("Label", map[string]any{"name": "bug"})}
			content = f.record("Issue", map[string]any{
				"id": fmt.Sprintf("I_%d", i), "number": int64(i), "title": fmt.Sprintf("Issue %d", i), "state": "OPEN",
				"repository": repo,
				"labels":     f.connection("LabelConnection", labels),
			})
		}
		values := []any{
			f.record("ProjectV2ItemFieldSingleSelectValue", map[string]any{"name": "Todo", "optionId": "47fc9ee4", "field": f.status}),
			f.record("ProjectV2ItemFieldTextValue", map[string]any{"text": fmt.Sprintf("Item %d", i), "field": f.title}),
		}
		f.items = append(f.items, f.record("ProjectV2Item", map[string]any{
			"id": fmt.Sprintf("PVTI_%d", i), "isArchived": false, "type": kind, "content": content,
			"fieldValues": f.connection("ProjectV2ItemFieldValueConnection", values),
		}))
	}
	return f
}

// record builds a Record whose every field access is counted.
func (f *fakeGitHub) record(typ string, fields map[string]any) *Record {
	counted := make(map[string]any, len(fields))
	for name, v := range fields {
		counted[name] = Resolver(func(ctx context.Context, args map[string]any) (any, error) {
			f.calls++
			if r, ok := v.(Resolver); ok {
				return r(ctx, args)
			}
			return v, nil
		})
	}
	return NewRecord(typ, counted)
}

func (f *fakeGitHub) connection(typ string, nodes []any) Resolver {
	return func(_ context.Context, args map[string]any) (any, error) {
		return NewConnection(typ, nodes, args)
	}
}

func (f *fakeGitHub) user(login string) *Record {
	project := f.record("ProjectV2", map[string]any{
		"id": "PVT_5", "title": "Board", "number": 5,
		"fields": f.connection("ProjectV2FieldConfigurationConnection", []any{f.status, f.title}),
		"items":  f.connection("ProjectV2ItemConnection", f.items),
	})
	fields := map[string]any{
		"login": login,
		"name":  "The Octocat",
		"projectV2": Resolver(func(_ context.Context, args map[string]any) (any, error) {
			if args["number"] != 5 {
				return nil, Errorf(TypeNotFound, "Could not resolve to a ProjectV2 with the number %v.", args["number"])
			}
			return project, nil
		}),
		"createdAt":  time.Date(2011, 1, 25, 18, 44, 36, 0, time.FixedZone("PST", -8*3600)),
		"url":        "https://github.com/" + login,
		"databaseId": 583231,
	}
	if login == "ghost" {
		// login is String!: a null here must null the whole user.
		fields["login"] = nil
	}
	return f.record("User", fields)
}

func (f *fakeGitHub) roots() Roots {
	query := f.record("Query", map[string]any{
		"user": Resolver(func(_ context.Context, args map[string]any) (any, error) {
			login := args["login"].(string)
			if login == "nobody" {
				return nil, Errorf(TypeNotFound, "Could not resolve to a User with the login of '%s'.", login)
			}
			return f.user(login), nil
		}),
		"viewer": f.user("octocat"),
		"rateLimit": Resolver(func(ctx context.Context, _ map[string]any) (any, error) {
			cost, _ := CostFromContext(ctx)
			return NewRecord("RateLimit", map[string]any{
				"cost": cost.Points, "limit": 5000, "remaining": 5000 - cost.Points,
				"nodeCount": cost.Nodes, "resetAt": "2026-01-01T00:00:00Z", "used": cost.Points,
			}), nil
		}),
	})
	mutation := f.record("Mutation", map[string]any{
		"updateProjectV2ItemFieldValue": Resolver(func(_ context.Context, args map[string]any) (any, error) {
			input := args["input"].(map[string]any)
			f.mutations = append(f.mutations, fmt.Sprintf("update %s=%v", input["itemId"], input["value"]))
			var item any
			for _, it := range f.items {
				if id, _ := it.(*Record).Fields["id"].(Resolver)(context.Background(), nil); id == input["itemId"] {
					item = it
				}
			}
			if item == nil {
				return nil, Errorf(TypeNotFound, "Could not resolve to a node with the global id of '%s'", input["itemId"])
			}
			return NewRecord("UpdateProjectV2ItemFieldValuePayload", map[string]any{
				"projectV2Item": item, "clientMutationId": input["clientMutationId"],
			}), nil
		}),
	})
	return Roots{Query: query, Mutation: mutation}
}

// jsonOf marshals v and decodes it back into plain maps and slices, so
// tests can compare results with literals.
func jsonOf(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return out
}

// dig walks decoded JSON by keys and indexes.
func dig(t testing.TB, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("dig %v: %T at %q is not an object", path, v, k)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("dig %v: no index %d in %v", path, k, v)
			}
			v = l[k]
		}
	}
	return v
}

func mustExecute(t testing.TB, s *Schema, f *fakeGitHub, query string, vars map[string]any) *Response {
	t.Helper()
	resp := s.Execute(context.Background(), Request{Query: query, Variables: vars}, f.roots())
	if len(resp.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", jsonOf(t, resp.Errors))
	}
	return resp
}
