package scaffold

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// evalExpr evaluates a GitHub Actions expression (without ${{ }}) over the
// given contexts, with GitHub's rules for the parts the loop's workflows
// use: && and || yield an operand, == and the string functions ignore
// case, and null, false, 0 and "" are falsy. It parses with actionlint, so
// an expression GitHub would refuse fails here too.
func evalExpr(t *testing.T, src string, ctx map[string]any) any {
	t.Helper()
	node, perr := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src + "}}"))
	if perr != nil {
		t.Fatalf("parse %q: %v", src, perr)
	}
	v, err := eval(node, ctx)
	if err != nil {
		t.Fatalf("evaluate %q: %v", src, err)
	}
	return v
}

func eval(n actionlint.ExprNode, ctx map[string]any) (any, error) {
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return ctx[strings.ToLower(n.Name)], nil
	case *actionlint.NullNode:
		return nil, nil
	case *actionlint.BoolNode:
		return n.Value, nil
	case *actionlint.IntNode:
		return float64(n.Value), nil
	case *actionlint.StringNode:
		return n.Value, nil
	case *actionlint.ObjectDerefNode:
		r, err := eval(n.Receiver, ctx)
		if err != nil {
			return nil, err
		}
		if m, ok := r.(map[string]any); ok {
			return m[n.Property], nil
		}
		return nil, nil
	case *actionlint.NotOpNode:
		v, err := eval(n.Operand, ctx)
		return !truthy(v), err
	case *actionlint.LogicalOpNode:
		l, err := eval(n.Left, ctx)
		if err != nil {
			return nil, err
		}
		if truthy(l) == (n.Kind == actionlint.LogicalOpNodeKindOr) {
			return l, nil
		}
		return eval(n.Right, ctx)
	case *actionlint.CompareOpNode:
		l, err := eval(n.Left, ctx)
		if err != nil {
			return nil, err
		}
		r, err := eval(n.Right, ctx)
		if err != nil {
			return nil, err
		}
		eq := equal(l, r)
		switch n.Kind {
		case actionlint.CompareOpNodeKindEq:
			return eq, nil
		case actionlint.CompareOpNodeKindNotEq:
			return !eq, nil
		}
		return nil, fmt.Errorf("operator %s is not evaluated here", n.Kind)
	case *actionlint.FuncCallNode:
		var args []any
		for _, a := range n.Args {
			v, err := eval(a, ctx)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		}
		return call(strings.ToLower(n.Callee), args)
	}
	return nil, fmt.Errorf("%T is not evaluated here", n)
}

func call(name string, args []any) (any, error) {
	switch name {
	case "contains":
		if list, ok := args[0].([]any); ok {
			for _, it := range list {
				if equal(it, args[1]) {
					return true, nil
				}
			}
			return false, nil
		}
		return strings.Contains(strings.ToLower(str(args[0])), strings.ToLower(str(args[1]))), nil
	case "startswith":
		return strings.HasPrefix(strings.ToLower(str(args[0])), strings.ToLower(str(args[1]))), nil
	case "fromjson":
		var v any
		err := json.Unmarshal([]byte(str(args[0])), &v)
		return v, err
	case "format":
		out := str(args[0])
		for i, a := range args[1:] {
			out = strings.ReplaceAll(out, "{"+strconv.Itoa(i)+"}", str(a))
		}
		return out, nil
	}
	return nil, fmt.Errorf("function %s is not evaluated here", name)
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		return v != ""
	}
	return true
}

func equal(a, b any) bool {
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return strings.EqualFold(sa, sb)
		}
	}
	return a == b
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
