package gqlengine

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// GitHub answers an invalid document with graphql-ruby's messages and
// extension codes (undefinedField, argumentNotAccepted, ...), and clients
// and our own tests recognise errors by them. gqlparser decides what is
// invalid; this file only rewords its findings. Where we do not know
// graphql-ruby's wording, gqlparser's message is kept as it is.

// parseQuery parses a request's query text; a syntax error is returned in
// graphql-ruby's "Parse error on ..." form.
func parseQuery(query string) (*ast.QueryDocument, *Error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err == nil {
		return doc, nil
	}
	var ge *gqlerror.Error
	if !errors.As(err, &ge) || len(ge.Locations) == 0 {
		return nil, &Error{Message: "Parse error: " + err.Error()}
	}
	loc := Location{Line: ge.Locations[0].Line, Column: ge.Locations[0].Column}
	return nil, &Error{
		Message:   parseErrorMessage(query, loc, ge.Message),
		Locations: []Location{loc},
	}
}

// parseErrorMessage names the token the parser stopped at the way
// graphql-ruby does: Parse error on "}" (RCURLY) at [1, 10].
func parseErrorMessage(query string, loc Location, fallback string) string {
	lx := lexer.New(&ast.Source{Input: query})
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			// The lexer itself failed, on a character or a string.
			var ge *gqlerror.Error
			if errors.As(err, &ge) {
				if m := reUnexpectedChar.FindStringSubmatch(ge.Message); m != nil {
					return fmt.Sprintf("Parse error on %q (UNKNOWN_CHAR) at [%d, %d]", m[1], loc.Line, loc.Column)
				}
				fallback = ge.Message
			}
			return fmt.Sprintf("Parse error: %s at [%d, %d]", strings.TrimSuffix(fallback, "."), loc.Line, loc.Column)
		}
		if tok.Kind == lexer.EOF {
			return "Unexpected end of document"
		}
		if tok.Pos.Line == loc.Line && tok.Pos.Column == loc.Column {
			text := tok.Value
			if text == "" {
				text = tok.Kind.String() // punctuation carries no value
			}
			return fmt.Sprintf("Parse error on %q (%s) at [%d, %d]", text, rubyTokenName(tok), loc.Line, loc.Column)
		}
		if tok.Pos.Line > loc.Line || (tok.Pos.Line == loc.Line && tok.Pos.Column > loc.Column) {
			return fmt.Sprintf("Parse error: %s at [%d, %d]", strings.TrimSuffix(fallback, "."), loc.Line, loc.Column)
		}
	}
}

var reUnexpectedChar = regexp.MustCompile(`^Cannot parse the unexpected character "(.+)"`)

func rubyTokenName(tok lexer.Token) string {
	switch tok.Kind {
	case lexer.Name:
		switch tok.Value {
		case "query", "mutation", "subscription", "fragment", "on", "true", "false", "null":
			return strings.ToUpper(tok.Value)
		}
		return "IDENTIFIER"
	case lexer.Int:
		return "INT"
	case lexer.Float:
		return "FLOAT"
	case lexer.String, lexer.BlockString:
		return "STRING"
	case lexer.BraceL:
		return "LCURLY"
	case lexer.BraceR:
		return "RCURLY"
	case lexer.ParenL:
		return "LPAREN"
	case lexer.ParenR:
		return "RPAREN"
	case lexer.BracketL:
		return "LBRACKET"
	case lexer.BracketR:
		return "RBRACKET"
	case lexer.Colon:
		return "COLON"
	case lexer.Dollar:
		return "VAR_SIGN"
	case lexer.At:
		return "DIR_SIGN"
	case lexer.Spread:
		return "ELLIPSIS"
	case lexer.Equals:
		return "EQUALS"
	case lexer.Bang:
		return "BANG"
	case lexer.Pipe:
		return "PIPE"
	case lexer.Amp:
		return "AMP"
	}
	return strings.ToUpper(tok.Kind.Name())
}

// newRules is gqlparser's rule set with the rules whose findings need
// graphql-ruby's extension data replaced by our own versions, which see the
// AST node directly instead of parsing a message back.
func newRules() *rules.Rules {
	r := rules.NewDefaultRules()
	for name, fn := range map[string]core.RuleFunc{
		rules.FieldsOnCorrectTypeRule.Name:       fieldsOnCorrectType,
		rules.KnownArgumentNamesRule.Name:        knownArgumentNames,
		rules.ProvidedRequiredArgumentsRule.Name: providedRequiredArguments,
		rules.ScalarLeafsRule.Name:               scalarLeafs,
	} {
		r.ReplaceRule(name, fn)
	}
	return r
}

// validate runs the schema's rules over doc, which it annotates with type
// information as gqlparser does, and returns the findings in GitHub's form,
// ordered by where they are in the query.
func (s *Schema) validate(doc *ast.QueryDocument) []*Error {
	list := validator.ValidateWithRules(s.ast, doc, s.rules)
	if len(list) == 0 {
		return nil
	}
	idx := indexDocument(doc)
	seen := make(map[string]bool, len(list))
	out := make([]*Error, 0, len(list))
	for _, ge := range list {
		e := translate(ge, idx)
		// gqlparser visits a fragment once for every spread of it, so the
		// same finding can come back more than once.
		key := fmt.Sprint(e.Message, e.Locations)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		return compareLocations(a.Locations, b.Locations)
	})
	return out
}

func compareLocations(a, b []Location) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return 1
	case len(b) == 0:
		return -1
	case a[0].Line != b[0].Line:
		return a[0].Line - b[0].Line
	}
	return a[0].Column - b[0].Column
}

// rubyError sets a finding's message, extensions and location in one go.
func rubyError(p *ast.Position, msg string, ext map[string]any) core.ErrorOption {
	return func(err *gqlerror.Error) {
		err.Message = msg
		err.Extensions = ext
		if p != nil {
			err.Locations = []gqlerror.Location{{Line: p.Line, Column: p.Column}}
		}
	}
}

func fieldsOnCorrectType(obs *core.Events, addError core.AddErrFunc) {
	obs.OnField(func(_ *core.Walker, f *ast.Field) {
		// Below a scalar, scalarLeafs has already said all there is to say.
		if f.ObjectDefinition == nil || f.Definition != nil || f.ObjectDefinition.IsLeafType() {
			return
		}
		parent := f.ObjectDefinition.Name
		if f.ObjectDefinition.Kind == ast.Union {
			addError(rubyError(f.Position,
				fmt.Sprintf("Selections can't be made directly on unions (see selections on %s)", parent),
				map[string]any{"code": "selectionMismatch", "nodeName": parent}))
			return
		}
		addError(rubyError(f.Position,
			fmt.Sprintf("Field '%s' doesn't exist on type '%s'", f.Name, parent),
			map[string]any{"code": "undefinedField", "typeName": parent, "fieldName": f.Name}))
	})
}

func knownArgumentNames(obs *core.Events, addError core.AddErrFunc) {
	report := func(kind, owner string, defs ast.ArgumentDefinitionList, args ast.ArgumentList) {
		for _, arg := range args {
			if defs.ForName(arg.Name) != nil {
				continue
			}
			addError(rubyError(arg.Position,
				fmt.Sprintf("%s '%s' doesn't accept argument '%s'", kind, owner, arg.Name),
				map[string]any{"code": "argumentNotAccepted", "name": owner, "typeName": kind, "argumentName": arg.Name}))
		}
	}
	obs.OnField(func(_ *core.Walker, f *ast.Field) {
		if f.Definition != nil && f.ObjectDefinition != nil {
			report("Field", f.Name, f.Definition.Arguments, f.Arguments)
		}
	})
	obs.OnDirective(func(_ *core.Walker, d *ast.Directive) {
		if d.Definition != nil {
			report("Directive", d.Name, d.Definition.Arguments, d.Arguments)
		}
	})
}

func providedRequiredArguments(obs *core.Events, addError core.AddErrFunc) {
	report := func(pos *ast.Position, kind, owner string, defs ast.ArgumentDefinitionList, args ast.ArgumentList) {
		var missing []string
		for _, def := range defs {
			if def.Type.NonNull && def.DefaultValue == nil && args.ForName(def.Name) == nil {
				missing = append(missing, def.Name)
			}
		}
		if len(missing) == 0 {
			return
		}
		list := strings.Join(missing, ", ")
		addError(rubyError(pos,
			fmt.Sprintf("%s '%s' is missing required arguments: %s", kind, owner, list),
			map[string]any{"code": "missingRequiredArguments", "className": kind, "name": owner, "arguments": list}))
	}
	obs.OnField(func(_ *core.Walker, f *ast.Field) {
		if f.Definition != nil {
			report(f.Position, "Field", f.Name, f.Definition.Arguments, f.Arguments)
		}
	})
	obs.OnDirective(func(_ *core.Walker, d *ast.Directive) {
		if d.Definition != nil {
			report(d.Position, "Directive", d.Name, d.Definition.Arguments, d.Arguments)
		}
	})
}

func scalarLeafs(obs *core.Events, addError core.AddErrFunc) {
	obs.OnField(func(w *core.Walker, f *ast.Field) {
		if f.Definition == nil {
			return
		}
		def := w.Schema.Types[f.Definition.Type.Name()]
		if def == nil {
			return
		}
		node := fmt.Sprintf("field '%s'", f.Name)
		ext := map[string]any{"code": "selectionMismatch", "nodeName": node}
		switch {
		case def.IsLeafType() && len(f.SelectionSet) > 0:
			kind := "scalars"
			if def.Kind == ast.Enum {
				kind = "enums"
			}
			addError(rubyError(f.Position,
				fmt.Sprintf("Selections can't be made on %s (%s returns %s but has selections [%s])",
					kind, node, def.Name, strings.Join(selectionNames(f.SelectionSet), ", ")),
				ext))
		case !def.IsLeafType() && len(f.SelectionSet) == 0:
			addError(rubyError(f.Position,
				fmt.Sprintf("Field '%s' returns %s but has no selections. Did you mean '%s { ... }'?", f.Name, def.Name, f.Name),
				ext))
		}
	})
}

func selectionNames(set ast.SelectionSet) []string {
	names := make([]string, 0, len(set))
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			names = append(names, sel.Name)
		case *ast.InlineFragment:
			names = append(names, "... on "+sel.TypeCondition)
		case *ast.FragmentSpread:
			names = append(names, "... "+sel.Name)
		}
	}
	return names
}

var (
	reReturnTypeConflict = regexp.MustCompile(`^Fields "(\w+)" conflict because they return conflicting types "([^"]+)" and "([^"]+)"\.`)
	reFieldsConflict     = regexp.MustCompile(`^Fields "(\w+)" conflict`)
	reNotDefinedByType   = regexp.MustCompile(`^Field "(\w+)" is not defined by type "(\w+)"`)
	reRequiredInputField = regexp.MustCompile(`^Field "(\w+)\.(\w+)" of required type "([^"]+)" was not provided`)
	reVariableName       = regexp.MustCompile(`^Variable "\$(\w+)"`)
	reVariablePosition   = regexp.MustCompile(`^Variable "\$(\w+)" of type "([^"]+)" used in position expecting type "([^"]+)"`)
	reUnknownFragment    = regexp.MustCompile(`^Unknown fragment "(\w+)"`)
	reUnusedFragment     = regexp.MustCompile(`^Fragment "(\w+)" is never used`)
	reUnknownDirective   = regexp.MustCompile(`^Unknown directive "@(\w+)"`)
	reUnknownType        = regexp.MustCompile(`^Unknown type "(\w+)"`)
	reImpossibleSpread   = regexp.MustCompile(`^Fragment (?:"(\w+)" )?cannot be spread here as objects of type "(\w+)" can never be of type "(\w+)"`)
)

// translate turns one gqlparser finding into a GitHub error, with the path
// graphql-ruby gives static errors (["query", "user", "projectV2item"]).
func translate(ge *gqlerror.Error, idx docIndex) *Error {
	e := &Error{Message: ge.Message}
	for _, l := range ge.Locations {
		e.Locations = append(e.Locations, Location{Line: l.Line, Column: l.Column})
	}
	if len(ge.Extensions) > 0 {
		e.Extensions = make(map[string]any, len(ge.Extensions))
		for k, v := range ge.Extensions {
			if k != "file" {
				e.Extensions[k] = v
			}
		}
	}
	var n *indexNode
	if len(e.Locations) > 0 {
		n = idx[pos{e.Locations[0].Line, e.Locations[0].Column}]
	}
	if n != nil {
		e.Path = n.path
	}
	msg := ge.Message
	switch ge.Rule {
	case rules.OverlappingFieldsCanBeMergedRule.Name:
		// graphql-ruby reports field conflicts with an empty path.
		e.Path = nil
		if m := reReturnTypeConflict.FindStringSubmatch(msg); m != nil {
			conflicts := fmt.Sprintf("`%s` or `%s`", m[2], m[3])
			e.Message = fmt.Sprintf("Field '%s' has a return_type conflict: %s?", m[1], conflicts)
			e.Extensions = map[string]any{"code": "fieldConflict", "fieldName": m[1], "conflicts": conflicts}
		} else if m := reFieldsConflict.FindStringSubmatch(msg); m != nil {
			e.Extensions = map[string]any{"code": "fieldConflict", "fieldName": m[1]}
		}
	case rules.ValuesOfCorrectTypeRule.Name:
		switch m := reNotDefinedByType.FindStringSubmatch(msg); {
		case m != nil:
			e.Message = fmt.Sprintf("InputObject '%s' doesn't accept argument '%s'", m[2], m[1])
			e.Extensions = map[string]any{"code": "argumentNotAccepted", "name": m[2], "typeName": "InputObject", "argumentName": m[1]}
		case reRequiredInputField.MatchString(msg):
			m := reRequiredInputField.FindStringSubmatch(msg)
			e.Message = fmt.Sprintf("Argument '%s' on InputObject '%s' is required. Expected type %s", m[2], m[1], m[3])
			e.Extensions = map[string]any{"code": "missingRequiredInputObjectAttribute", "argumentName": m[2], "argumentType": m[3], "inputObjectType": m[1]}
		case n != nil && n.arg != nil:
			// graphql-ruby reports a bad literal on the argument that holds it.
			want := ""
			if n.arg.Value.ExpectedType != nil {
				want = n.arg.Value.ExpectedType.String()
			}
			e.Message = fmt.Sprintf("Argument '%s' on %s '%s' has an invalid value (%s). Expected type '%s'.",
				n.arg.Name, n.owner, n.ownerName, n.arg.Value.String(), want)
			e.Extensions = map[string]any{"code": "argumentLiteralsIncompatible", "typeName": n.owner, "argumentName": n.arg.Name}
			e.Locations = []Location{{Line: n.arg.Position.Line, Column: n.arg.Position.Column}}
		}
	case rules.NoUndefinedVariablesRule.Name:
		if m := reVariableName.FindStringSubmatch(msg); m != nil {
			e.Message = fmt.Sprintf("Variable $%s is used by %s but not declared", m[1], operationDescription(n))
			e.Extensions = map[string]any{"code": "variableNotDefined", "variableName": m[1]}
		}
	case rules.NoUnusedVariablesRule.Name:
		if m := reVariableName.FindStringSubmatch(msg); m != nil {
			e.Message = fmt.Sprintf("Variable $%s is declared by %s but not used", m[1], operationDescription(n))
			e.Extensions = map[string]any{"code": "variableNotUsed", "variableName": m[1]}
		}
	case rules.VariablesInAllowedPositionRule.Name:
		if m := reVariablePosition.FindStringSubmatch(msg); m != nil {
			kind := "Type mismatch"
			if strings.TrimSuffix(m[2], "!") == strings.TrimSuffix(m[3], "!") {
				kind = "Nullability mismatch"
			}
			argName := ""
			if n != nil && n.arg != nil {
				argName = n.arg.Name
			}
			e.Message = fmt.Sprintf("%s on variable $%s and argument %s (%s / %s)", kind, m[1], argName, m[2], m[3])
			e.Extensions = map[string]any{"code": "variableMismatch", "variableName": m[1], "typeName": m[2], "argumentName": argName, "errorMessage": kind}
		}
	case rules.KnownFragmentNamesRule.Name:
		if m := reUnknownFragment.FindStringSubmatch(msg); m != nil {
			e.Message = fmt.Sprintf("Fragment %s was used, but not defined", m[1])
			e.Extensions = map[string]any{"code": "useAndDefineFragment", "fragmentName": m[1]}
		}
	case rules.NoUnusedFragmentsRule.Name:
		if m := reUnusedFragment.FindStringSubmatch(msg); m != nil {
			e.Message = fmt.Sprintf("Fragment %s was defined, but not used", m[1])
			e.Extensions = map[string]any{"code": "useAndDefineFragment", "fragmentName": m[1]}
		}
	case rules.KnownDirectivesRule.Name:
		if m := reUnknownDirective.FindStringSubmatch(msg); m != nil {
			e.Message = fmt.Sprintf("Directive @%s is not defined", m[1])
			e.Extensions = map[string]any{"code": "undefinedDirective", "directiveName": m[1]}
		}
	case rules.KnownTypeNamesRule.Name:
		if m := reUnknownType.FindStringSubmatch(msg); m != nil {
			if n != nil && n.variable != "" {
				e.Message = fmt.Sprintf("%s isn't a defined input type (on $%s)", m[1], n.variable)
				e.Extensions = map[string]any{"code": "variableRequiresValidType", "typeName": m[1], "variableName": n.variable}
			} else {
				e.Message = fmt.Sprintf("No such type %s, so it can't be a fragment condition", m[1])
				e.Extensions = map[string]any{"code": "undefinedType", "typeName": m[1]}
			}
		}
	case rules.PossibleFragmentSpreadsRule.Name:
		if m := reImpossibleSpread.FindStringSubmatch(msg); m != nil {
			name := "Fragment on " + m[3]
			if m[1] != "" {
				name = fmt.Sprintf("Fragment %s on %s", m[1], m[3])
			}
			e.Message = fmt.Sprintf("%s can't be spread inside %s", name, m[2])
			e.Extensions = map[string]any{"code": "cannotSpreadFragment", "typeName": m[3], "parentName": m[2]}
			if m[1] != "" {
				e.Extensions["fragmentName"] = m[1]
			}
		}
	}
	return e
}

// operationDescription names the operation a node is in the way
// graphql-ruby's variable messages do: "query Name" or "anonymous query".
func operationDescription(n *indexNode) string {
	if n == nil || len(n.path) == 0 {
		return "the operation"
	}
	label, _ := n.path[0].(string)
	if !strings.Contains(label, " ") {
		return "anonymous " + label
	}
	return label
}

// pos is a place in the query text; gqlparser reports findings by place
// only, so the index maps places back to the AST nodes there.
type pos struct{ line, col int }

type indexNode struct {
	path      []any
	arg       *ast.Argument // the argument, for an argument or any value inside one
	owner     string        // "Field" or "Directive", with arg
	ownerName string
	variable  string // the variable's name, for a variable definition
}

type docIndex map[pos]*indexNode

func indexDocument(doc *ast.QueryDocument) docIndex {
	idx := docIndex{}
	for _, op := range doc.Operations {
		base := []any{operationLabel(op)}
		idx.add(op.Position, &indexNode{path: base})
		for _, v := range op.VariableDefinitions {
			idx.add(v.Position, &indexNode{path: base, variable: v.Variable})
			idx.value(v.DefaultValue, &indexNode{path: base, variable: v.Variable})
		}
		idx.directives(op.Directives, base)
		idx.selections(op.SelectionSet, base)
	}
	for _, f := range doc.Fragments {
		base := []any{"fragment " + f.Name}
		idx.add(f.Position, &indexNode{path: base})
		idx.directives(f.Directives, base)
		idx.selections(f.SelectionSet, base)
	}
	return idx
}

func operationLabel(op *ast.OperationDefinition) string {
	kind := string(op.Operation)
	if kind == "" {
		kind = string(ast.Query)
	}
	if op.Name == "" {
		return kind
	}
	return kind + " " + op.Name
}

func (idx docIndex) add(p *ast.Position, n *indexNode) {
	if p == nil {
		return
	}
	k := pos{p.Line, p.Column}
	if _, ok := idx[k]; !ok {
		idx[k] = n
	}
}

func (idx docIndex) selections(set ast.SelectionSet, path []any) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			p := withKey(path, responseKey(sel))
			idx.add(sel.Position, &indexNode{path: p})
			for _, arg := range sel.Arguments {
				idx.argument(arg, "Field", sel.Name, p)
			}
			idx.directives(sel.Directives, p)
			idx.selections(sel.SelectionSet, p)
		case *ast.InlineFragment:
			label := "..."
			if sel.TypeCondition != "" {
				label = "... on " + sel.TypeCondition
			}
			p := withKey(path, label)
			idx.add(sel.Position, &indexNode{path: p})
			idx.directives(sel.Directives, p)
			idx.selections(sel.SelectionSet, p)
		case *ast.FragmentSpread:
			p := withKey(path, "... "+sel.Name)
			idx.add(sel.Position, &indexNode{path: p})
			idx.directives(sel.Directives, p)
		}
	}
}

func (idx docIndex) directives(list ast.DirectiveList, path []any) {
	for _, d := range list {
		idx.add(d.Position, &indexNode{path: path})
		for _, arg := range d.Arguments {
			idx.argument(arg, "Directive", d.Name, path)
		}
	}
}

func (idx docIndex) argument(arg *ast.Argument, owner, ownerName string, path []any) {
	n := &indexNode{path: withKey(path, arg.Name), arg: arg, owner: owner, ownerName: ownerName}
	idx.add(arg.Position, n)
	idx.value(arg.Value, n)
}

// value indexes a value and everything nested in it under n, because
// gqlparser reports a bad nested value at the value's own place.
func (idx docIndex) value(v *ast.Value, n *indexNode) {
	if v == nil {
		return
	}
	idx.add(v.Position, n)
	for _, c := range v.Children {
		idx.add(c.Position, n)
		idx.value(c.Value, n)
	}
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// withKey returns a new path; paths are shared between nodes, so appending
// in place would corrupt a sibling's.
func withKey(path []any, key any) []any {
	p := make([]any, len(path)+1)
	copy(p, path)
	p[len(path)] = key
	return p
}
