package gqlengine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func numbers(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// page reads a connection the way a resolver's caller would.
func page(t *testing.T, c *Connection) (nodes []any, info map[string]any) {
	t.Helper()
	ctx := context.Background()
	n, _ := c.Field(ctx, "nodes", nil)
	pi, _ := c.Field(ctx, "pageInfo", nil)
	info = map[string]any{}
	for _, k := range []string{"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"} {
		info[k], _ = pi.(*Record).Field(ctx, k, nil)
	}
	return n.([]any), info
}

func TestConnectionPagesForward(t *testing.T) {
	all := numbers(250)
	var got []any
	args := map[string]any{"first": 100}
	for pages := 1; ; pages++ {
		c, err := NewConnection("ProjectV2ItemConnection", all, args)
		if err != nil {
			t.Fatal(err)
		}
		nodes, info := page(t, c)
		got = append(got, nodes...)
		if info["hasPreviousPage"] != (pages > 1) {
			t.Errorf("page %d: hasPreviousPage %v", pages, info["hasPreviousPage"])
		}
		if info["hasNextPage"] == false {
			if pages != 3 {
				t.Errorf("took %d pages, want 3", pages)
			}
			break
		}
		args = map[string]any{"first": 100, "after": info["endCursor"]}
	}
	if !reflect.DeepEqual(got, all) {
		t.Errorf("pages joined: got %d nodes, want the 250 in order", len(got))
	}
}

func TestConnectionPagesBackward(t *testing.T) {
	all := numbers(10)
	c, _ := NewConnection("IssueConnection", all, map[string]any{"last": 3})
	nodes, info := page(t, c)
	if !reflect.DeepEqual(nodes, []any{8, 9, 10}) || info["hasPreviousPage"] != true || info["hasNextPage"] != false {
		t.Fatalf("last 3: got %v %v", nodes, info)
	}
	c, _ = NewConnection("IssueConnection", all, map[string]any{"last": 3, "before": info["startCursor"]})
	nodes, info = page(t, c)
	if !reflect.DeepEqual(nodes, []any{5, 6, 7}) || info["hasPreviousPage"] != true || info["hasNextPage"] != true {
		t.Errorf("3 before 8: got %v %v", nodes, info)
	}
}

func TestConnectionWindows(t *testing.T) {
	all := numbers(5)
	tests := []struct {
		name string
		args map[string]any
		want []any
	}{
		{"first 0", map[string]any{"first": 0}, []any{}},
		{"first beyond the end", map[string]any{"first": 9}, all},
		{"after and before", map[string]any{"after": encodeCursor(1), "before": encodeCursor(5)}, []any{2, 3, 4}},
		{"first and last together", map[string]any{"first": 4, "last": 2}, []any{3, 4}},
		{"after the last item", map[string]any{"first": 2, "after": encodeCursor(5)}, []any{}},
		{"after a cursor past the end", map[string]any{"first": 2, "after": encodeCursor(50)}, []any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewConnection("IssueConnection", all, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if nodes, _ := page(t, c); !reflect.DeepEqual(nodes, tt.want) {
				t.Errorf("got %v, want %v", nodes, tt.want)
			}
		})
	}
}

func TestConnectionCursorsLookLikeGitHubs(t *testing.T) {
	c, _ := NewConnection("LabelConnection", Nodes([]string{"a", "b"}), map[string]any{"first": 2})
	edges, _ := c.Field(context.Background(), "edges", nil)
	edge := edges.([]any)[1].(*Record)
	if edge.TypeName() != "LabelEdge" {
		t.Errorf("edge type: got %q, want LabelEdge", edge.TypeName())
	}
	cursor, _ := edge.Field(context.Background(), "cursor", nil)
	raw, err := base64.StdEncoding.DecodeString(cursor.(string))
	if err != nil || string(raw) != "cursor:v2:2" {
		t.Errorf("cursor %q decodes to %q, %v; want cursor:v2:2", cursor, raw, err)
	}
	if total, _ := c.Field(context.Background(), "totalCount", nil); total != 2 {
		t.Errorf("totalCount: got %v", total)
	}
}

func TestConnectionRefusesForeignCursors(t *testing.T) {
	for _, cursor := range []string{"xyz", base64.StdEncoding.EncodeToString([]byte("cursor:v1:3")), base64.StdEncoding.EncodeToString([]byte("cursor:v2:-1"))} {
		_, err := NewConnection("IssueConnection", numbers(3), map[string]any{"first": 1, "after": cursor})
		var ge *Error
		if !errors.As(err, &ge) || ge.Type != TypeInvalidCursorArguments || ge.Message != fmt.Sprintf("`%s` does not appear to be a valid cursor.", cursor) {
			t.Errorf("cursor %q: got %v", cursor, err)
		}
	}
	if _, err := NewConnection("Issues", nil, nil); err == nil || !strings.Contains(err.Error(), "Connection") {
		t.Errorf("non-connection type name: got %v", err)
	}
}

func TestPaginatingItemsThroughTheEngine(t *testing.T) {
	s := githubSchema(t)
	f := newFake(250)
	var ids []any
	vars := map[string]any{"login": "octocat", "number": 5, "cursor": nil}
	for pages := 0; pages < 10; pages++ {
		data := jsonOf(t, mustExecute(t, s, f, itemsPageQuery, vars).Data)
		items := dig(t, data, "user", "projectV2", "items")
		for _, n := range dig(t, items, "nodes").([]any) {
			ids = append(ids, dig(t, n, "id"))
		}
		if dig(t, items, "pageInfo", "hasNextPage") == false {
			break
		}
		vars["cursor"] = dig(t, items, "pageInfo", "endCursor")
	}
	if len(ids) != 250 || ids[0] != "PVTI_1" || ids[249] != "PVTI_250" {
		t.Errorf("got %d ids from %v to %v, want PVTI_1..PVTI_250", len(ids), ids[0], ids[len(ids)-1])
	}
}

func TestInvalidCursorThroughTheEngine(t *testing.T) {
	s := githubSchema(t)
	resp := s.Execute(context.Background(), Request{
		Query:     `query($c: String) { user(login: "octocat") { login projectV2(number: 5) { title items(first: 10, after: $c) { totalCount } } } }`,
		Variables: map[string]any{"c": "xyz"},
	}, newFake(3).roots())
	want := &Error{
		Type:      TypeInvalidCursorArguments,
		Path:      []any{"user", "projectV2", "items"},
		Locations: []Location{{Line: 1, Column: 81}},
		Message:   "`xyz` does not appear to be a valid cursor.",
	}
	if len(resp.Errors) != 1 || !reflect.DeepEqual(resp.Errors[0], want) {
		t.Fatalf("errors: got %v", jsonOf(t, resp.Errors))
	}
	// items is non-null, so its error nulls the project; the user stays.
	if got := jsonOf(t, resp.Data); !reflect.DeepEqual(got, map[string]any{"user": map[string]any{"login": "octocat", "projectV2": nil}}) {
		t.Errorf("data: got %v", got)
	}
}

func TestConnectionExtraFields(t *testing.T) {
	c, err := NewConnection("RepositoryConnection", nil, map[string]any{"first": 10})
	if err != nil {
		t.Fatal(err)
	}
	c.With("totalDiskUsage", 42)
	if got, err := c.Field(context.Background(), "totalDiskUsage", nil); got != 42 || err != nil {
		t.Errorf("totalDiskUsage: got %v, %v", got, err)
	}
	if _, err := c.Field(context.Background(), "isOverLimit", nil); err == nil {
		t.Error("a field the connection does not hold gave no error")
	}
	_, info := page(t, c)
	if info["startCursor"] != nil || info["endCursor"] != nil || info["hasNextPage"] != false {
		t.Errorf("empty page info: %v", info)
	}
}
