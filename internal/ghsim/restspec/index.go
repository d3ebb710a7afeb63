package restspec

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// index matches a method and an escaped URL path against every operation
// GitHub publishes. It exists instead of kin-openapi's gorillamux router for
// two reasons: gorillamux matches one segment per parameter, while GitHub
// (and go-github) put slashes inside refs and file paths (see multiSegment in
// deviations.go); and a router built from the served operations alone would
// send GET /repos/o/r/issues/comments to issues/get with issue_number
// "comments", where GitHub has a literal route of its own.
//
// Matching prefers, at each segment, a literal, then a segment mixing text and
// parameters ("{base}...{head}"), then a one-segment parameter, then a
// multi-segment one taking as few segments as it can, and backtracks, method
// included, when a branch leads nowhere: a route is a method and a template.
type index struct {
	root *node
}

// node is one position in the trie of templates.
type node struct {
	literal map[string]*node
	mixed   []*mixedEdge
	param   *node
	multi   *node
	ops     map[string]*operation // by upper-case method
}

// mixedEdge is a segment like "{base}...{head}": its regexp captures one
// group per parameter, in order.
type mixedEdge struct {
	shape string // the segment with parameter names erased, e.g. "{}...{}"
	re    *regexp.Regexp
	next  *node
}

// operation is what the index knows about one published operation.
type operation struct {
	id       string
	method   string
	template string
	docsURL  string
	params   []string // path parameter names in the order they are captured
}

var paramRE = regexp.MustCompile(`\{([^{}]+)\}`)

func newIndex() *index { return &index{root: &node{}} }

// add inserts op; multi reports which path parameters may span segments.
func (ix *index) add(op *operation, multi func(name string) bool) error {
	n := ix.root
	for _, seg := range splitTemplate(op.template) {
		names := paramRE.FindAllStringSubmatch(seg, -1)
		switch {
		case len(names) == 0:
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			next := n.literal[seg]
			if next == nil {
				next = &node{}
				n.literal[seg] = next
			}
			n = next
		case len(names) == 1 && names[0][0] == seg:
			name := names[0][1]
			op.params = append(op.params, name)
			if multi(name) {
				if n.multi == nil {
					n.multi = &node{}
				}
				n = n.multi
			} else {
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
			}
		default:
			n = n.addMixed(seg)
			for _, m := range names {
				op.params = append(op.params, m[1])
			}
		}
	}
	if n.ops == nil {
		n.ops = map[string]*operation{}
	}
	if prev := n.ops[op.method]; prev != nil {
		// No request could tell these two apart: refuse to load rather
		// than let one silently shadow the other.
		return fmt.Errorf("%s %q and %q are the same route", op.method, prev.template, op.template)
	}
	n.ops[op.method] = op
	return nil
}

func (n *node) addMixed(seg string) *node {
	shape := paramRE.ReplaceAllString(seg, "{}")
	for _, e := range n.mixed {
		if e.shape == shape {
			return e.next
		}
	}
	var b strings.Builder
	b.WriteString("^")
	for i, part := range strings.Split(shape, "{}") {
		if i > 0 {
			b.WriteString("([^/]+)")
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	b.WriteString("$")
	e := &mixedEdge{shape: shape, re: regexp.MustCompile(b.String()), next: &node{}}
	n.mixed = append(n.mixed, e)
	return e.next
}

// lookup finds the operation for method and the escaped path, and the
// unescaped values of its path parameters.
func (ix *index) lookup(method, escapedPath string) (*operation, map[string]string, bool) {
	segs := splitTemplate(escapedPath)
	vals := make([]string, 0, 4)
	op, vals, ok := ix.root.match(method, segs, vals)
	if !ok {
		return nil, nil, false
	}
	params := make(map[string]string, len(op.params))
	for i, name := range op.params {
		params[name] = vals[i]
	}
	return op, params, true
}

func (n *node) match(method string, segs, vals []string) (*operation, []string, bool) {
	if len(segs) == 0 {
		op := n.ops[method]
		return op, vals, op != nil
	}
	raw, rest := segs[0], segs[1:]
	seg, err := url.PathUnescape(raw)
	if err != nil || seg == "" {
		// GitHub answers 404 to a trailing slash or an empty segment.
		return nil, nil, false
	}
	if next := n.literal[seg]; next != nil {
		if op, v, ok := next.match(method, rest, vals); ok {
			return op, v, true
		}
	}
	for _, e := range n.mixed {
		groups := e.re.FindStringSubmatch(raw)
		if groups == nil {
			continue
		}
		v := vals
		for _, g := range groups[1:] {
			u, err := url.PathUnescape(g)
			if err != nil {
				return nil, nil, false
			}
			v = append(v, u)
		}
		if op, v, ok := e.next.match(method, rest, v); ok {
			return op, v, true
		}
	}
	if n.param != nil {
		if op, v, ok := n.param.match(method, rest, append(vals, seg)); ok {
			return op, v, true
		}
	}
	if n.multi != nil {
		for k := 1; k <= len(segs); k++ {
			joined, err := url.PathUnescape(strings.Join(segs[:k], "/"))
			if err != nil || hasEmpty(segs[:k]) {
				return nil, nil, false
			}
			if op, v, ok := n.multi.match(method, segs[k:], append(vals, joined)); ok {
				return op, v, true
			}
		}
	}
	return nil, nil, false
}

func hasEmpty(segs []string) bool {
	for _, s := range segs {
		if s == "" {
			return true
		}
	}
	return false
}

// splitTemplate splits "/a/b" into ["a", "b"] and "/" into nothing.
func splitTemplate(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
