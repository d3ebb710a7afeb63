package gqlengine

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAliasesTypenameAndDirectives(t *testing.T) {
	s := githubSchema(t)
	resp := mustExecute(t, s, newFake(0), `query($withName: Boolean!, $skipURL: Boolean = true) {
  me: viewer { __typename handle: login name @include(if: $withName) url @skip(if: $skipURL) }
  other: user(login: "hubot") { login createdAt databaseId }
  __typename
}`, map[string]any{"withName": false})
	body, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	// Keys come back in the order the query asked for them; the Los
	// Angeles time is written in UTC.
	want := `{"data":{"me":{"__typename":"User","handle":"octocat"},"other":{"login":"hubot","createdAt":"2011-01-26T02:44:36Z","databaseId":583231},"__typename":"Query"}}`
	if string(body) != want {
		t.Errorf("body:\n got %s\nwant %s", body, want)
	}
}

func TestFragmentsOnUnionsAndInterfaces(t *testing.T) {
	s := githubSchema(t)
	resp := mustExecute(t, s, newFake(5), `query {
  user(login: "octocat") { projectV2(number: 5) {
    fields(first: 10) { nodes { __typename ...Common ... on ProjectV2SingleSelectField { options { name } } } }
    items(first: 10) { nodes { content { __typename ...IssueBits ... on PullRequest { number prState: state } ... on DraftIssue { title } } } }
  } }
}
fragment Common on ProjectV2FieldCommon { name }
fragment IssueBits on Issue { number title }`, nil)
	data := jsonOf(t, resp.Data)
	fields := dig(t, data, "user", "projectV2", "fields", "nodes")
	wantFields := []any{
		map[string]any{"__typename": "ProjectV2SingleSelectField", "name": "Status", "options": []any{map[string]any{"name": "Todo"}, map[string]any{"name": "Done"}}},
		map[string]any{"__typename": "ProjectV2Field", "name": "Title"},
	}
	if !reflect.DeepEqual(fields, wantFields) {
		t.Errorf("fields: got %v\nwant %v", fields, wantFields)
	}
	items := dig(t, data, "user", "projectV2", "items", "nodes").([]any)
	if got := dig(t, items[0], "content"); !reflect.DeepEqual(got, map[string]any{"__typename": "Issue", "number": 1.0, "title": "Issue 1"}) {
		t.Errorf("issue content: got %v", got)
	}
	if got := dig(t, items[4], "content"); !reflect.DeepEqual(got, map[string]any{"__typename": "PullRequest", "number": 5.0, "prState": "MERGED"}) {
		t.Errorf("pull request content: got %v", got)
	}
}

func TestFieldMerging(t *testing.T) {
	s := githubSchema(t)
	resp := mustExecute(t, s, newFake(1), `{
  user(login: "octocat") { login projectV2(number: 5) { id } }
  user(login: "octocat") { name projectV2(number: 5) { title } }
}`, nil)
	want := map[string]any{"user": map[string]any{
		"login": "octocat", "projectV2": map[string]any{"id": "PVT_5", "title": "Board"}, "name": "The Octocat",
	}}
	if got := jsonOf(t, resp.Data); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestFieldErrorKeepsPartialData(t *testing.T) {
	s := githubSchema(t)
	resp := s.Execute(context.Background(), Request{Query: `{
  viewer { login }
  user(login: "octocat") { login projectV2(number: 99) { id } }
}`}, newFake(1).roots())
	want := map[string]any{"viewer": map[string]any{"login": "octocat"}, "user": map[string]any{"login": "octocat", "projectV2": nil}}
	if got := jsonOf(t, resp.Data); !reflect.DeepEqual(got, want) {
		t.Errorf("data: got %v, want %v", got, want)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("got %d errors, want 1", len(resp.Errors))
	}
	wantErr := &Error{
		Type:      TypeNotFound,
		Path:      []any{"user", "projectV2"},
		Locations: []Location{{Line: 3, Column: 34}},
		Message:   "Could not resolve to a ProjectV2 with the number 99.",
	}
	if !reflect.DeepEqual(resp.Errors[0], wantErr) {
		t.Errorf("error: got %+v, want %+v", resp.Errors[0], wantErr)
	}
}

func TestNonNullPropagation(t *testing.T) {
	s := githubSchema(t)
	t.Run("to the nearest nullable parent", func(t *testing.T) {
		// User.login is String!, so a null login nulls the user, which
		// is nullable on Query; the alias next to it is untouched.
		resp := s.Execute(context.Background(), Request{Query: `{ ghost: user(login: "ghost") { name login } octo: user(login: "octocat") { login } }`}, newFake(0).roots())
		want := map[string]any{"ghost": nil, "octo": map[string]any{"login": "octocat"}}
		if got := jsonOf(t, resp.Data); !reflect.DeepEqual(got, want) {
			t.Errorf("data: got %v, want %v", got, want)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Message != "Cannot return null for non-nullable field User.login" ||
			!reflect.DeepEqual(resp.Errors[0].Path, []any{"ghost", "login"}) {
			t.Errorf("errors: got %v", jsonOf(t, resp.Errors))
		}
	})
	t.Run("up to data", func(t *testing.T) {
		// Query.viewer is User!: nothing nullable is left above it.
		f := newFake(0)
		roots := f.roots()
		roots.Query.(*Record).Fields["viewer"] = f.user("ghost")
		resp := s.Execute(context.Background(), Request{Query: `{ viewer { login } }`}, roots)
		if resp.Data != nil {
			t.Errorf("data: got %v, want nil", jsonOf(t, resp.Data))
		}
		body, _ := json.Marshal(resp)
		if !strings.HasPrefix(string(body), `{"data":null,"errors":[`) {
			t.Errorf("body: got %s", body)
		}
	})
	t.Run("through a list", func(t *testing.T) {
		// ProjectV2ItemConnection.nodes is [ProjectV2Item]: a broken
		// item is null on its own, its siblings stay.
		f := newFake(2)
		f.items[0].(*Record).Fields["id"] = Resolver(func(context.Context, map[string]any) (any, error) {
			return nil, Errorf(TypeForbidden, "Resource not accessible by integration")
		})
		resp := s.Execute(context.Background(), Request{Query: `{ user(login: "octocat") { projectV2(number: 5) { items(first: 2) { nodes { id } } } } }`}, f.roots())
		nodes := dig(t, jsonOf(t, resp.Data), "user", "projectV2", "items", "nodes")
		if want := []any{nil, map[string]any{"id": "PVTI_2"}}; !reflect.DeepEqual(nodes, want) {
			t.Errorf("nodes: got %v, want %v", nodes, want)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Type != TypeForbidden ||
			!reflect.DeepEqual(resp.Errors[0].Path, []any{"user", "projectV2", "items", "nodes", 0, "id"}) {
			t.Errorf("errors: got %v", jsonOf(t, resp.Errors))
		}
	})
}

func TestScalarSerialisation(t *testing.T) {
	s := githubSchema(t)
	user := func(fields map[string]any) Roots {
		return Roots{Query: NewRecord("Query", map[string]any{"viewer": NewRecord("User", fields)})}
	}
	type named string
	tests := []struct {
		name    string
		field   string
		value   any
		want    any // after a JSON round trip
		wantErr string
	}{
		{"Int from int64", "databaseId", int64(7), 7.0, ""},
		{"Int from whole float", "databaseId", 7.0, 7.0, ""},
		{"Int from a fraction", "databaseId", 7.5, nil, "Int cannot represent non-integer value: 7.5"},
		{"Int beyond 32 bits", "databaseId", int64(1) << 40, nil, "Int cannot represent non 32-bit signed integer value: 1099511627776"},
		{"ID from an int", "id", 42, "42", ""},
		{"String from a named string", "name", named("Mona"), "Mona", ""},
		{"String from an int", "name", 5, nil, "String cannot represent a non string value: 5"},
		{"Boolean", "isHireable", true, true, ""},
		{"custom scalar passes through", "url", "https://github.com/octocat", "https://github.com/octocat", ""},
		{"DateTime from time.Time", "createdAt", time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), "2024-05-06T07:08:09Z", ""},
		{"HTML keeps its angle brackets", "bioHTML", "<b>hi</b>", "<b>hi</b>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := s.Execute(context.Background(), Request{Query: "{ viewer { " + tt.field + " } }"}, user(map[string]any{tt.field: tt.value}))
			var gotErr string
			if len(resp.Errors) > 0 {
				gotErr = resp.Errors[0].Message
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error: got %q, want %q", gotErr, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			if got := dig(t, jsonOf(t, resp.Data), "viewer", tt.field); got != tt.want {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	t.Run("HTML is not escaped on the wire", func(t *testing.T) {
		resp := s.Execute(context.Background(), Request{Query: "{ viewer { bioHTML } }"}, user(map[string]any{"bioHTML": "<b>&</b>"}))
		body, err := resp.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"data":{"viewer":{"bioHTML":"<b>&</b>"}}}`; string(body) != want {
			t.Errorf("body: got %s, want %s", body, want)
		}
	})
}

func TestEnumResults(t *testing.T) {
	s := githubSchema(t)
	run := func(state any) *Response {
		issue := NewRecord("Issue", map[string]any{"state": state})
		repo := NewRecord("Repository", map[string]any{"issue": issue})
		return s.Execute(context.Background(), Request{Query: `{ repository(owner: "o", name: "r") { issue(number: 1) { state } } }`},
			Roots{Query: NewRecord("Query", map[string]any{"repository": repo})})
	}
	if resp := run("CLOSED"); len(resp.Errors) > 0 {
		t.Errorf("CLOSED: %v", jsonOf(t, resp.Errors))
	}
	resp := run("closed")
	if len(resp.Errors) != 1 || resp.Errors[0].Message != "closed is not a value of enum IssueState" {
		t.Errorf("closed: got %v", jsonOf(t, resp.Errors))
	}
	// Issue.state is non-null, so the issue is null; the repository stays.
	if got := dig(t, jsonOf(t, resp.Data), "repository", "issue"); got != nil {
		t.Errorf("issue: got %v, want null", got)
	}
}

func TestArgumentsReachResolversCoerced(t *testing.T) {
	s := githubSchema(t)
	var got map[string]any
	project := NewRecord("ProjectV2", map[string]any{
		"items": Resolver(func(_ context.Context, args map[string]any) (any, error) {
			got = args
			return NewConnection("ProjectV2ItemConnection", nil, args)
		}),
	})
	roots := Roots{Query: NewRecord("Query", map[string]any{
		"user": NewRecord("User", map[string]any{"projectV2": project}),
	})}
	resp := s.Execute(context.Background(), Request{
		Query:     `query($n: Int!, $c: String) { user(login: "x") { projectV2(number: 1) { items(first: $n, after: $c) { totalCount } } } }`,
		Variables: map[string]any{"n": json.Number("25")},
	}, roots)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %v", jsonOf(t, resp.Errors))
	}
	// first is an int, after is absent (not null), and the schema's
	// default orderBy is filled in.
	want := map[string]any{"first": 25, "orderBy": map[string]any{"field": "POSITION", "direction": "ASC"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("args: got %#v, want %#v", got, want)
	}
}

func TestMutationFieldsRunInOrder(t *testing.T) {
	s := githubSchema(t)
	f := newFake(3)
	resp := s.Execute(context.Background(), Request{
		Query: `mutation($a: UpdateProjectV2ItemFieldValueInput!, $b: UpdateProjectV2ItemFieldValueInput!) {
  second: updateProjectV2ItemFieldValue(input: $b) { projectV2Item { id } }
  first: updateProjectV2ItemFieldValue(input: $a) { clientMutationId projectV2Item { id } }
  missing: updateProjectV2ItemFieldValue(input: {projectId: "P", itemId: "PVTI_99", fieldId: "F", value: {text: "x"}}) { projectV2Item { id } }
}`,
		Variables: map[string]any{
			"a": map[string]any{"projectId": "PVT_5", "itemId": "PVTI_1", "fieldId": "PVTSSF_status", "value": map[string]any{"singleSelectOptionId": "98236657"}, "clientMutationId": "m1"},
			"b": map[string]any{"projectId": "PVT_5", "itemId": "PVTI_2", "fieldId": "PVTSSF_status", "value": map[string]any{"singleSelectOptionId": "47fc9ee4"}},
		},
	}, f.roots())
	wantLog := []string{"update PVTI_2=map[singleSelectOptionId:47fc9ee4]", "update PVTI_1=map[singleSelectOptionId:98236657]", "update PVTI_99=map[text:x]"}
	if !reflect.DeepEqual(f.mutations, wantLog) {
		t.Errorf("mutations: got %q, want %q", f.mutations, wantLog)
	}
	data := jsonOf(t, resp.Data)
	if got := dig(t, data, "first", "clientMutationId"); got != "m1" {
		t.Errorf("clientMutationId: got %v", got)
	}
	if got := dig(t, data, "missing"); got != nil {
		t.Errorf("missing: got %v, want null", got)
	}
	if len(resp.Errors) != 1 || resp.Errors[0].Type != TypeNotFound {
		t.Errorf("errors: got %v", jsonOf(t, resp.Errors))
	}
	if resp.Operation != "mutation" || resp.OperationName != "updateProjectV2ItemFieldValue" || resp.Cost.Secondary != 5 {
		t.Errorf("operation %q %q secondary %d", resp.Operation, resp.OperationName, resp.Cost.Secondary)
	}
}

func TestSimulatorMistakesAreFieldErrors(t *testing.T) {
	s := githubSchema(t)
	tests := []struct {
		name    string
		content any
		want    string
	}{
		{"type outside the union", NewRecord("User", nil), "the simulator returned a User for ProjectV2Item.content, which needs a ProjectV2ItemContent"},
		{"not an Object", "I_1", "the simulator returned a string for ProjectV2Item.content, which needs a ProjectV2ItemContent"},
		{"panic", Resolver(func(context.Context, map[string]any) (any, error) { panic("boom") }), "the simulator failed resolving ProjectV2Item.content: boom"},
		{"plain error", Resolver(func(context.Context, map[string]any) (any, error) { return nil, errors.New("disk on fire") }), "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(1)
			f.items[0].(*Record).Fields["content"] = tt.content
			resp := s.Execute(context.Background(), Request{Query: `{ user(login: "octocat") { projectV2(number: 5) { items(first: 1) { nodes { id content { __typename } } } } } }`}, f.roots())
			if len(resp.Errors) != 1 || resp.Errors[0].Message != tt.want {
				t.Fatalf("errors: got %v, want %q", jsonOf(t, resp.Errors), tt.want)
			}
			if got := dig(t, jsonOf(t, resp.Data), "user", "projectV2", "items", "nodes", 0, "id"); got != "PVTI_1" {
				t.Errorf("sibling id: got %v", got)
			}
		})
	}
	t.Run("unimplemented field", func(t *testing.T) {
		resp := s.Execute(context.Background(), Request{Query: `{ viewer { bio } }`}, Roots{Query: NewRecord("Query", map[string]any{"viewer": NewRecord("User", nil)})})
		if len(resp.Errors) != 1 || resp.Errors[0].Message != "the simulator does not implement User.bio" {
			t.Errorf("errors: got %v", jsonOf(t, resp.Errors))
		}
	})
	t.Run("missing mutation root", func(t *testing.T) {
		resp := s.Execute(context.Background(), Request{Query: `mutation { addStar(input: {starrableId: "R_1"}) { clientMutationId } }`}, Roots{})
		if len(resp.Errors) != 1 || resp.Errors[0].Message != "the simulator has no mutation root" {
			t.Errorf("errors: got %v", jsonOf(t, resp.Errors))
		}
	})
}

func TestMapKeepsOrder(t *testing.T) {
	s := githubSchema(t)
	resp := mustExecute(t, s, newFake(0), `{ viewer { name login z: login a: name } }`, nil)
	viewer, ok := resp.Data.(*Map).Get("viewer")
	if !ok {
		t.Fatal("no viewer")
	}
	m := viewer.(*Map)
	if got := m.Keys(); !reflect.DeepEqual(got, []string{"name", "login", "z", "a"}) {
		t.Errorf("keys: got %q", got)
	}
	if v, _ := m.Get("z"); v != "octocat" {
		t.Errorf("z: got %v", v)
	}
	if _, ok := m.Get("missing"); ok {
		t.Error("Get found a key that is not there")
	}
}

func TestErrorString(t *testing.T) {
	if got := Errorf(TypeNotFound, "Could not resolve to a User with the login of '%s'.", "x").Error(); got != "NOT_FOUND: Could not resolve to a User with the login of 'x'." {
		t.Errorf("got %q", got)
	}
	if got := (&Error{Message: "plain"}).Error(); got != "plain" {
		t.Errorf("got %q", got)
	}
}

func TestNestedLists(t *testing.T) {
	s, err := ParseSchema("grid.graphql", `type Query { grid: [[Int!]]! strict: [[Int!]!] }`)
	if err != nil {
		t.Fatal(err)
	}
	root := NewRecord("Query", map[string]any{
		"grid":   [][]int{{1, 2}, {3}, nil},
		"strict": []any{[]any{1}, []any{nil}},
	})
	resp := s.Execute(context.Background(), Request{Query: `{ grid strict }`}, Roots{Query: root})
	body, err := resp.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// strict's inner list holds a null Int!, which nulls that inner list;
	// the inner list is itself non-null, so strict is null.
	want := `{"data":{"grid":[[1,2],[3],null],"strict":null},"errors":[{"path":["strict",1,0],"locations":[{"line":1,"column":8}],"message":"Cannot return null for non-nullable field Query.strict"}]}`
	if string(body) != want {
		t.Errorf("body:\n got %s\nwant %s", body, want)
	}
}
