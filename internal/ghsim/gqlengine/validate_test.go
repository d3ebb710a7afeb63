package gqlengine

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestItemsPageQueryReturnsData(t *testing.T) {
	s := githubSchema(t)
	f := newFake(3)
	resp := mustExecute(t, s, f, itemsPageQuery, map[string]any{"login": "octocat", "number": 5, "cursor": nil})
	data := jsonOf(t, resp.Data)
	project := dig(t, data, "user", "projectV2")
	if got := dig(t, project, "title"); got != "Board" {
		t.Errorf("title: got %v, want Board", got)
	}
	if got := dig(t, project, "items", "totalCount"); got != 3.0 {
		t.Errorf("totalCount: got %v, want 3", got)
	}
	first := dig(t, project, "items", "nodes", 0)
	if got := dig(t, first, "content", "issueState"); got != "OPEN" {
		t.Errorf("issueState: got %v, want OPEN", got)
	}
	if got := dig(t, first, "fieldValues", "nodes", 0, "field", "name"); got != "Status" {
		t.Errorf("status field name: got %v, want Status", got)
	}
	if got := dig(t, project, "fields", "nodes", 0, "options", 1, "id"); got != "98236657" {
		t.Errorf("second option id: got %v, want 98236657", got)
	}
	// The Title field is not a single-select field: only the
	// ProjectV2FieldCommon fragment applies to it.
	if got := dig(t, project, "fields", "nodes", 1); !reflect.DeepEqual(got, map[string]any{"id": "PVTF_title", "name": "Title", "dataType": "TITLE"}) {
		t.Errorf("title field: got %v", got)
	}
	if resp.Operation != "query" || resp.OperationName != "user,rateLimit" {
		t.Errorf("operation: got %q %q, want query user,rateLimit", resp.Operation, resp.OperationName)
	}
}

// TestRefusedRequests holds the negative controls of the research report
// (§8.1) and GitHub's runtime pagination rules: each must be refused before
// any resolver runs, with GitHub's kind of error.
func TestRefusedRequests(t *testing.T) {
	s := githubSchema(t)
	itemsQuery := func(items string) string {
		return `query{user(login:"octocat"){projectV2(number:5){` + items + `{nodes{id}}}}}`
	}
	updateMutation := `mutation($input:UpdateProjectV2ItemFieldValueInput!){updateProjectV2ItemFieldValue(input:$input){projectV2Item{id}}}`
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  Error // the fields set here must match; Extensions by key
	}{
		{
			name:  "untagged githubv4 field name",
			query: `query{user(login:"octocat"){projectV2item{id}}}`,
			want: Error{
				Message:    "Field 'projectV2item' doesn't exist on type 'User'",
				Path:       []any{"query", "user", "projectV2item"},
				Locations:  []Location{{Line: 1, Column: 29}},
				Extensions: map[string]any{"code": "undefinedField", "typeName": "User", "fieldName": "projectV2item"},
			},
		},
		{
			name:  "untagged payload field in a named mutation",
			query: `mutation Move($input:UpdateProjectV2ItemFieldValueInput!){updateProjectV2ItemFieldValue(input:$input){projectV2item{id}}}`,
			want: Error{
				Message: "Field 'projectV2item' doesn't exist on type 'UpdateProjectV2ItemFieldValuePayload'",
				Path:    []any{"mutation Move", "updateProjectV2ItemFieldValue", "projectV2item"},
			},
		},
		{
			name:  "state unaliased on Issue and PullRequest",
			query: `query{user(login:"octocat"){projectV2(number:5){items(first:10){nodes{content{... on Issue{state} ... on PullRequest{state}}}}}}}`,
			want: Error{
				Message:    "Field 'state' has a return_type conflict: `IssueState!` or `PullRequestState!`?",
				Extensions: map[string]any{"code": "fieldConflict", "fieldName": "state"},
			},
		},
		{
			name:  "includeClosed instead of includeClosedPrs",
			query: `query{repository(owner:"o",name:"r"){issue(number:1){closedByPullRequestsReferences(first:10,includeClosed:true){nodes{number}}}}}`,
			want: Error{
				Message:    "Field 'closedByPullRequestsReferences' doesn't accept argument 'includeClosed'",
				Path:       []any{"query", "repository", "issue", "closedByPullRequestsReferences", "includeClosed"},
				Extensions: map[string]any{"code": "argumentNotAccepted", "name": "closedByPullRequestsReferences", "typeName": "Field", "argumentName": "includeClosed"},
			},
		},
		{
			name:  "items has no query argument",
			query: itemsQuery(`items(first:10,query:"status:Todo")`),
			want: Error{
				Message: "Field 'items' doesn't accept argument 'query'",
				Path:    []any{"query", "user", "projectV2", "items", "query"},
			},
		},
		{
			name:  "field on a union without a fragment",
			query: `query{user(login:"octocat"){projectV2(number:5){items(first:10){nodes{fieldValues(first:20){nodes{name}}}}}}}`,
			want: Error{
				Message:    "Selections can't be made directly on unions (see selections on ProjectV2ItemFieldValue)",
				Path:       []any{"query", "user", "projectV2", "items", "nodes", "fieldValues", "nodes", "name"},
				Extensions: map[string]any{"code": "selectionMismatch"},
			},
		},
		{
			name:  "project number as a string",
			query: `query{user(login:"octocat"){projectV2(number:"5"){id}}}`,
			want: Error{
				Message:    `Argument 'number' on Field 'projectV2' has an invalid value ("5"). Expected type 'Int!'.`,
				Path:       []any{"query", "user", "projectV2", "number"},
				Extensions: map[string]any{"code": "argumentLiteralsIncompatible", "typeName": "Field", "argumentName": "number"},
			},
		},
		{
			name:  "missing required argument",
			query: `query{user(login:"octocat"){projectV2{id}}}`,
			want: Error{
				Message:    "Field 'projectV2' is missing required arguments: number",
				Path:       []any{"query", "user", "projectV2"},
				Extensions: map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": "projectV2", "arguments": "number"},
			},
		},
		{
			name:  "wrong key inside a variable",
			query: updateMutation,
			vars: map[string]any{"input": map[string]any{
				"projectId": "PVT_5", "itemId": "PVTI_1", "fieldId": "PVTSSF_status",
				"value": map[string]any{"singleSelectOption": "47fc9ee4"},
			}},
			want: Error{
				Message:   "Variable $input of type UpdateProjectV2ItemFieldValueInput! was provided invalid value for value.singleSelectOption (Field is not defined on ProjectV2FieldValue)",
				Locations: []Location{{Line: 1, Column: 10}},
			},
		},
		{
			name:  "missing required variable",
			query: `query($login:String!){user(login:$login){login}}`,
			want:  Error{Message: "Variable $login of type String! was provided invalid value"},
		},
		{
			name:  "Int variable given as a string",
			query: `query($n:Int!){user(login:"octocat"){projectV2(number:$n){id}}}`,
			vars:  map[string]any{"n": "5"},
			want:  Error{Message: `Variable $n of type Int! was provided invalid value`},
		},
		{
			name:  "enum variable in the wrong case",
			query: `query($s:[IssueState!]){repository(owner:"o",name:"r"){issues(first:1,states:$s){totalCount}}}`,
			vars:  map[string]any{"s": []any{"open"}},
			want:  Error{Message: `Variable $s of type [IssueState!] was provided invalid value for 0 (Expected "open" to be one of: CLOSED, OPEN)`},
		},
		{
			name:  "undeclared variable",
			query: `query{user(login:$login){login}}`,
			want:  Error{Message: "Variable $login is used by anonymous query but not declared", Extensions: map[string]any{"code": "variableNotDefined"}},
		},
		{
			name:  "parse error",
			query: `query{user(login:"octocat"){login}`,
			want:  Error{Message: "Unexpected end of document"},
		},
		{
			name:  "parse error on a token",
			query: `query{user(login:"octocat"){}}`,
			want:  Error{Message: `Parse error on "}" (RCURLY) at [1, 29]`, Locations: []Location{{Line: 1, Column: 29}}},
		},
		{
			name:  "connection without first or last",
			query: itemsQuery(`items`),
			want: Error{
				Type:      TypeMissingPagination,
				Message:   "You must provide a `first` or `last` value to properly paginate the `items` connection.",
				Path:      []any{"user", "projectV2", "items"},
				Locations: []Location{{Line: 1, Column: 49}},
			},
		},
		{
			name:  "connection asking for 101",
			query: itemsQuery(`items(first:101)`),
			want: Error{
				Type:    TypeExcessivePagination,
				Message: "Requesting 101 records on the `items` connection exceeds the `first` limit of 100 records.",
				Path:    []any{"user", "projectV2", "items"},
			},
		},
		{
			name:  "last over the limit",
			query: itemsQuery(`all: items(last:150)`),
			want: Error{
				Type:    TypeExcessivePagination,
				Message: "Requesting 150 records on the `items` connection exceeds the `last` limit of 100 records.",
				Path:    []any{"user", "projectV2", "all"},
			},
		},
		{
			name:  "first from a variable over the limit",
			query: `query($n:Int){user(login:"octocat"){projectV2(number:5){items(first:$n){nodes{id}}}}}`,
			vars:  map[string]any{"n": 101.0},
			want:  Error{Type: TypeExcessivePagination},
		},
		{
			name:  "first from an absent variable",
			query: `query($n:Int){user(login:"octocat"){projectV2(number:5){items(first:$n){nodes{id}}}}}`,
			want:  Error{Type: TypeMissingPagination},
		},
		{
			name:  "negative first",
			query: itemsQuery(`items(first:-1)`),
			want:  Error{Type: TypeUnprocessable, Path: []any{"user", "projectV2", "items"}},
		},
		{
			name:  "connection inside a fragment",
			query: `query{user(login:"octocat"){...P}} fragment P on User{projectsV2{nodes{id}}}`,
			want:  Error{Type: TypeMissingPagination, Path: []any{"user", "projectsV2"}},
		},
		{
			name: "more than 500,000 nodes",
			query: `query{viewer{repositories(first:100){nodes{issues(first:100){nodes{
				comments(first:100){nodes{id}}}}}}}}`,
			want: Error{
				Type:    TypeMaxNodeLimitExceeded,
				Message: "This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(3)
			resp := s.Execute(context.Background(), Request{Query: tt.query, Variables: tt.vars}, f.roots())
			if resp.Data != nil {
				t.Errorf("data: got %v, want none", jsonOf(t, resp.Data))
			}
			if f.calls != 0 {
				t.Errorf("%d resolver calls for a refused request, want 0", f.calls)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no errors, want %q", tt.want.Message)
			}
			got := resp.Errors[0]
			if tt.want.Type != "" && got.Type != tt.want.Type {
				t.Errorf("type: got %q, want %q", got.Type, tt.want.Type)
			}
			if tt.want.Message != "" && got.Message != tt.want.Message {
				t.Errorf("message:\n got %q\nwant %q", got.Message, tt.want.Message)
			}
			if tt.want.Path != nil && !reflect.DeepEqual(got.Path, tt.want.Path) {
				t.Errorf("path: got %#v, want %#v", got.Path, tt.want.Path)
			}
			if tt.want.Locations != nil && !reflect.DeepEqual(got.Locations, tt.want.Locations) {
				t.Errorf("locations: got %v, want %v", got.Locations, tt.want.Locations)
			}
			for k, v := range tt.want.Extensions {
				if got.Extensions[k] != v {
					t.Errorf("extensions[%q]: got %v, want %v", k, got.Extensions[k], v)
				}
			}
			// A refused document gets no "data" member at all.
			body, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(body), `"data"`) {
				t.Errorf("body %s has a data member", body)
			}
		})
	}
}

func TestWrongVariableKeyListsProblems(t *testing.T) {
	s := githubSchema(t)
	value := map[string]any{"singleSelectOption": "47fc9ee4"}
	resp := s.Execute(context.Background(), Request{
		Query:     `mutation($input:UpdateProjectV2ItemFieldValueInput!){updateProjectV2ItemFieldValue(input:$input){projectV2Item{id}}}`,
		Variables: map[string]any{"input": map[string]any{"projectId": "P", "itemId": "I", "fieldId": "F", "value": value}},
	}, newFake(1).roots())
	if len(resp.Errors) != 1 {
		t.Fatalf("got %d errors, want 1", len(resp.Errors))
	}
	got := jsonOf(t, resp.Errors[0].Extensions["problems"])
	want := []any{map[string]any{"path": []any{"value", "singleSelectOption"}, "explanation": "Field is not defined on ProjectV2FieldValue"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems: got %v, want %v", got, want)
	}
	if resp.Operation != "mutation" || resp.Cost.Secondary != 5 {
		t.Errorf("operation %q secondary %d, want mutation 5", resp.Operation, resp.Cost.Secondary)
	}
}

func TestValidationErrorsAreOrderedAndUnique(t *testing.T) {
	s := githubSchema(t)
	// The fragment is spread twice; its bad field must be reported once,
	// with the fragment's path.
	resp := s.Execute(context.Background(), Request{Query: `query{
  a: user(login:"a"){...F}
  b: user(login:"b"){...F nope}
}
fragment F on User{loginn}`}, newFake(0).roots())
	var msgs []string
	for _, e := range resp.Errors {
		msgs = append(msgs, e.Message)
	}
	want := []string{"Field 'nope' doesn't exist on type 'User'", "Field 'loginn' doesn't exist on type 'User'"}
	if !reflect.DeepEqual(msgs, want) {
		t.Fatalf("messages: got %q, want %q", msgs, want)
	}
	if got := resp.Errors[1].Path; !reflect.DeepEqual(got, []any{"fragment F", "loginn"}) {
		t.Errorf("fragment path: got %v", got)
	}
}

func TestOperationSelection(t *testing.T) {
	s := githubSchema(t)
	doc := `query A{viewer{login}} query B{viewer{name}}`
	tests := []struct {
		name, op, wantErr, wantName string
	}{
		{"named", "B", "", "B"},
		{"ambiguous", "", "An operation name is required", "A"},
		{"unknown", "C", `No operation named "C"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := s.Execute(context.Background(), Request{Query: doc, OperationName: tt.op}, newFake(0).roots())
			var gotErr string
			if len(resp.Errors) > 0 {
				gotErr = resp.Errors[0].Message
			}
			if gotErr != tt.wantErr || resp.OperationName != tt.wantName {
				t.Errorf("got error %q name %q, want %q %q", gotErr, resp.OperationName, tt.wantErr, tt.wantName)
			}
		})
	}
}

func TestEmptyQuery(t *testing.T) {
	resp := githubSchema(t).Execute(context.Background(), Request{}, Roots{})
	if len(resp.Errors) != 1 || resp.Errors[0].Message != "A query attribute must be specified and must be a string." {
		t.Fatalf("got %v", jsonOf(t, resp.Errors))
	}
}

// TestGraphQLRubyMessages checks the rewording of gqlparser's findings into
// the messages and codes GitHub's graphql-ruby gives.
func TestGraphQLRubyMessages(t *testing.T) {
	s := githubSchema(t)
	tests := []struct {
		query, message, code string
	}{
		{`{ viewer { login { size } } }`, "Selections can't be made on scalars (field 'login' returns String but has selections [size])", "selectionMismatch"},
		{`{ viewer }`, "Field 'viewer' returns User but has no selections. Did you mean 'viewer { ... }'?", "selectionMismatch"},
		{`{ viewer { login @nope } }`, "Directive @nope is not defined", "undefinedDirective"},
		{`{ viewer { login @include(if: true, unless: false) } }`, "Directive 'include' doesn't accept argument 'unless'", "argumentNotAccepted"},
		{`{ viewer { login @include } }`, "Directive 'include' is missing required arguments: if", "missingRequiredArguments"},
		{`query($l: Strin) { viewer { login } }`, "Strin isn't a defined input type (on $l)", "variableRequiresValidType"},
		{`query Q($l: String) { viewer { login } }`, "Variable $l is declared by query Q but not used", "variableNotUsed"},
		{`query($l: String) { user(login: $l) { login } }`, "Nullability mismatch on variable $l and argument login (String / String!)", "variableMismatch"},
		{`query($l: Int!) { user(login: $l) { login } }`, "Type mismatch on variable $l and argument login (Int! / String!)", "variableMismatch"},
		{`{ viewer { ...Nope } }`, "Fragment Nope was used, but not defined", "useAndDefineFragment"},
		{`{ viewer { login } } fragment F on User { login }`, "Fragment F was defined, but not used", "useAndDefineFragment"},
		{`{ viewer { ... on Issue { id } } }`, "Fragment on Issue can't be spread inside User", "cannotSpreadFragment"},
		{`{ viewer { ...I } } fragment I on Issue { id }`, "Fragment I on Issue can't be spread inside User", "cannotSpreadFragment"},
		{`{ viewer { ... on Nope { id } } }`, "No such type Nope, so it can't be a fragment condition", "undefinedType"},
		{`{ viewer { projectV2(number: 1) { items(first: 1, orderBy: {direction: ASC, x: 1}) { totalCount } } } }`, "Argument 'field' on InputObject 'ProjectV2ItemOrder' is required. Expected type ProjectV2ItemOrderField!", "missingRequiredInputObjectAttribute"},
		{`{ viewer { projectV2(number: 1) { items(first: 1, orderBy: {field: POSITION, direction: ASC, x: 1}) { totalCount } } } }`, "InputObject 'ProjectV2ItemOrder' doesn't accept argument 'x'", "argumentNotAccepted"},
		// graphql-ruby's wording for this conflict is not known: gqlparser's stays.
		{`{ viewer { x: login x: name } }`, `Fields "x" conflict because "login" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, "fieldConflict"},
		{`{ viewer { login ? } }`, `Parse error on "?" (UNKNOWN_CHAR) at [1, 18]`, ""},
		{`{ viewer { login "abc } }`, `Parse error: Unterminated string at [1, 26]`, ""},
		{`query { viewer(x: 1) { login } }`, "Field 'viewer' doesn't accept argument 'x'", "argumentNotAccepted"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			resp := s.Execute(context.Background(), Request{Query: tt.query}, Roots{})
			for _, e := range resp.Errors {
				if e.Message == tt.message {
					if code, _ := e.Extensions["code"].(string); code != tt.code {
						t.Errorf("code: got %q, want %q", code, tt.code)
					}
					return
				}
			}
			t.Errorf("no error %q among %v", tt.message, jsonOf(t, resp.Errors))
		})
	}
}
