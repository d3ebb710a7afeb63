package policy

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"text/template"
)

// LoopPrompts are the prompts the outer loop needs, by name: the files
// .nanobots/prompts/NAME.md. `nanobots update` restores a missing one.
var LoopPrompts = []string{"dispatch", "triage", "distill"}

// Prompt is a brief the outer loop fills in: an engine-owned file under
// .nanobots/prompts/ whose body is a Go text/template.
type Prompt struct {
	// Path is the file it was read from, as the maintainer sees it.
	Path  string
	tmpl  *template.Template
	pad   int  // bytes of padding before the body (see ReadPrompt)
	trims bool // the body opens with "{{- ", which trims the padding
}

// ReadPrompt parses a prompt file. The file opens with HTML comments (the
// ownership marker `nanobots update` writes, then a comment that lists the
// fields the loop fills in); they are for people and are not part of the
// brief. The rest is parsed as a Go text/template with missingkey=error, so
// a misspelt field is an error rather than "<no value>" in a brief. A parse
// error is reported as "path:line:col: what is wrong, and how to fix it",
// at the file's own line.
func ReadPrompt(path string, src []byte) (*Prompt, error) {
	s := string(src)
	cut, err := leadingComments(path, s)
	if err != nil {
		return nil, err
	}
	body := s[cut:]
	if strings.TrimSpace(body) == "" {
		p := newLineIndex(src).pos(cut)
		return nil, fmt.Errorf("%s: the prompt has nothing after its comments: restore it with \"nanobots update\"", at(path, p))
	}
	// The body is parsed behind padding that stands in for the header, a
	// newline for each of its lines and a space for each byte of its last,
	// so text/template counts lines and columns as the file does: its
	// messages then need no translation. Execute removes the padding again.
	head := s[:cut]
	nl := strings.LastIndexByte(head, '\n')
	pad := strings.Repeat("\n", strings.Count(head, "\n")) + strings.Repeat(" ", len(head)-nl-1)
	t, err := template.New(path).Option("missingkey=error").Parse(pad + body)
	if err != nil {
		return nil, templateError(path, s, err)
	}
	return &Prompt{
		Path:  path,
		tmpl:  t,
		pad:   len(pad),
		trims: opensWithTrim(body),
	}, nil
}

// leadingComments returns the length of the HTML comments that open s,
// with the blank space between and after them up to the end of the last
// comment's line.
func leadingComments(path, s string) (int, error) {
	cut := 0
	for {
		rest := s[cut:]
		i := len(rest) - len(strings.TrimLeft(rest, " \t\r\n"))
		if !strings.HasPrefix(rest[i:], "<!--") {
			return cut, nil
		}
		end := strings.Index(rest[i+4:], "-->")
		if end < 0 {
			p := newLineIndex([]byte(s)).pos(cut + i)
			return 0, fmt.Errorf("%s: this comment is never closed: end it with \"-->\" (the brief starts after it)", at(path, p))
		}
		cut += i + 4 + end + 3
		// The rest of the comment's line, when blank, goes with it.
		line := s[cut:]
		if j := strings.IndexByte(line, '\n'); j >= 0 && strings.TrimSpace(line[:j]) == "" {
			cut += j + 1
		} else if j < 0 && strings.TrimSpace(line) == "" {
			cut = len(s)
		}
	}
}

// opensWithTrim reports whether body's first action, after nothing but
// space, trims the space before it ("{{- "): that removes the padding from
// the output as well.
func opensWithTrim(body string) bool {
	rest, ok := strings.CutPrefix(strings.TrimLeft(body, " \t\r\n"), "{{-")
	return ok && rest != "" && strings.ContainsRune(" \t\r\n", rune(rest[0]))
}

// templateError turns a text/template parse error into a path:line:col
// message. text/template reports only a line; the column is that of the
// line's first action, where the problem most often is.
func templateError(path, src string, err error) error {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "template: "+path+":")
	if !ok {
		return fmt.Errorf("%s: %s: fix the template", at(path, Pos{}), msg)
	}
	num, what, _ := strings.Cut(rest, ": ")
	line, convErr := strconv.Atoi(num)
	lines := strings.Split(src, "\n")
	if convErr != nil || line < 1 || line > len(lines) {
		return fmt.Errorf("%s: %s: fix the template", at(path, Pos{}), rest)
	}
	col := strings.Index(lines[line-1], "{{") + 1
	if col == 0 {
		col = 1
	}
	fix := "fix the {{ }} action (Go text/template syntax; the comment at the top lists the fields)"
	if what == "unexpected EOF" {
		fix = "an {{ if }}, {{ range }} or {{ with }} lacks its {{ end }}: add it"
	}
	return fmt.Errorf("%s: %s: %s", at(path, Pos{line, col}), what, fix)
}

// Execute fills in the prompt with data: a map or a struct holding the
// fields the prompt's header lists. A field the data lacks is an error, as
// "path:line:col: executing …" at the file's own position.
func (p *Prompt) Execute(data any) (string, error) {
	var b bytes.Buffer
	if err := p.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%s: check the field's name against the list in the prompt's first comment", execError(p.Path, err))
	}
	out := b.String()
	if !p.trims {
		out = out[min(p.pad, len(out)):]
	}
	return out, nil
}

// execError rewrites an execution error's "template: path:line:col: …",
// whose column text/template counts from 0, as "path:line:col: …" counted
// from 1 like every other position this package reports.
func execError(path string, err error) string {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	rest, ok := strings.CutPrefix(msg, path+":")
	if !ok {
		return msg
	}
	num, rest, _ := strings.Cut(rest, ":")
	cs, what, _ := strings.Cut(rest, ": ")
	line, err1 := strconv.Atoi(num)
	col, err2 := strconv.Atoi(cs)
	if err1 != nil || err2 != nil {
		return msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", path, line, col+1, what)
}
