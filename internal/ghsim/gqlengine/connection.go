package gqlengine

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// cursorPrefix starts every cursor, as GitHub's cursors decode to
// "cursor:v2:" and a position. Ours carry the position as decimal text;
// clients must treat cursors as opaque either way.
const cursorPrefix = "cursor:v2:"

// Connection is a page of a list in GitHub's connection shape: nodes,
// edges { node cursor }, pageInfo and totalCount. Build one with
// NewConnection and return it from a resolver.
type Connection struct {
	typeName string
	page     []any
	offset   int // the position in the whole list of page[0]
	total    int
	hasNext  bool
	hasPrev  bool
	extra    map[string]any
}

// Nodes converts a typed slice for NewConnection.
func Nodes[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// NewConnection pages nodes, the whole list in order, by the connection
// arguments a resolver was given: first/after walk forward, last/before
// backward, and both may be combined as the Relay spec allows. typeName is
// the schema's connection type (e.g. "ProjectV2ItemConnection"); its edge
// type is the same name ending in "Edge". A cursor that is not one of ours
// gives GitHub's INVALID_CURSOR_ARGUMENTS error.
//
// hasNextPage and hasPreviousPage say whether the whole list has items
// after and before the page, whichever direction is paged.
func NewConnection(typeName string, nodes []any, args map[string]any) (*Connection, error) {
	return NewConnectionOf(typeName, len(nodes), func(i int) any { return nodes[i] }, args)
}

// NewConnectionOf is NewConnection over a list of n items that is never
// built whole: node(i) makes the item at index i, and is called only for
// the items of the page. A page costs time in proportion to its size, not
// to the list's, so a client walking a 50,000-item board page by page does
// linear work in all, as on GitHub.
func NewConnectionOf(typeName string, n int, node func(i int) any, args map[string]any) (*Connection, error) {
	if !strings.HasSuffix(typeName, "Connection") {
		return nil, fmt.Errorf("connection type %q does not end in Connection", typeName)
	}
	lo, hi := 0, n
	if after, ok := args["after"].(string); ok {
		p, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		// A cursor past the end (the list shrank) gives an empty page.
		lo = min(max(lo, p), n)
	}
	if before, ok := args["before"].(string); ok {
		p, err := decodeCursor(before)
		if err != nil {
			return nil, err
		}
		hi = min(hi, p-1)
	}
	hi = max(lo, hi)
	if v, ok := args["first"]; ok && v != nil {
		n, err := pageArg("first", v)
		if err != nil {
			return nil, err
		}
		hi = min(hi, lo+n)
	}
	if v, ok := args["last"]; ok && v != nil {
		n, err := pageArg("last", v)
		if err != nil {
			return nil, err
		}
		lo = max(lo, hi-n)
	}
	page := make([]any, hi-lo)
	for i := range page {
		page[i] = node(lo + i)
	}
	return &Connection{
		typeName: typeName,
		page:     page,
		offset:   lo,
		total:    n,
		hasNext:  hi < n,
		hasPrev:  lo > 0,
	}, nil
}

func pageArg(name string, v any) (int, error) {
	n, ok := wholeNumber(v)
	if !ok || n < 0 {
		return 0, Errorf(TypeUnprocessable, "`%s` must be a number of records, at least 0; got %v.", name, v)
	}
	return int(n), nil
}

// With adds a field some connection types have beyond the standard four
// (for example a total size), and returns c.
func (c *Connection) With(field string, v any) *Connection {
	if c.extra == nil {
		c.extra = map[string]any{}
	}
	c.extra[field] = v
	return c
}

// TypeName implements Object.
func (c *Connection) TypeName() string { return c.typeName }

// Field implements Object.
func (c *Connection) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "nodes":
		return c.page, nil
	case "edges":
		edges := make([]any, len(c.page))
		edgeType := strings.TrimSuffix(c.typeName, "Connection") + "Edge"
		for i, n := range c.page {
			edges[i] = NewRecord(edgeType, map[string]any{"node": n, "cursor": encodeCursor(c.offset + i + 1)})
		}
		return edges, nil
	case "pageInfo":
		info := map[string]any{
			"hasNextPage":     c.hasNext,
			"hasPreviousPage": c.hasPrev,
			"startCursor":     nil,
			"endCursor":       nil,
		}
		if len(c.page) > 0 {
			info["startCursor"] = encodeCursor(c.offset + 1)
			info["endCursor"] = encodeCursor(c.offset + len(c.page))
		}
		return NewRecord("PageInfo", info), nil
	case "totalCount":
		return c.total, nil
	}
	if v, ok := c.extra[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("the simulator does not implement %s.%s", c.typeName, name)
}

// encodeCursor names the item at position pos, counted from 1; "after" it
// means from index pos on.
func encodeCursor(pos int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(pos)))
}

func decodeCursor(c string) (int, error) {
	invalid := Errorf(TypeInvalidCursorArguments, "`%s` does not appear to be a valid cursor.", c)
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, invalid
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, invalid
	}
	p, err := strconv.Atoi(rest)
	if err != nil || p < 0 {
		return 0, invalid
	}
	return p, nil
}
