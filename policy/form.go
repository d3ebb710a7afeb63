package policy

import (
	"strconv"
	"strings"
)

// NoResponse is what GitHub writes under a form field left blank.
const NoResponse = "_No response_"

// Form is an issue body read as a submitted issue form. GitHub renders a
// form as markdown: for each field a "### Label" heading, a blank line, and
// the answer (the chosen option for a dropdown, "- [X] label" lines for
// checkboxes, NoResponse for a blank optional field).
//
// A body is text anyone who can open an issue wrote: a Form holds it, and
// nothing in it is trusted.
type Form struct {
	// Fields are the body's top-level level-3 headings, in order, each with
	// the text under it. A body may have headings no form field made (a
	// "### " line typed into an answer); they are kept by their label.
	Fields []FormField
	// IsForm reports whether at least one heading is the label of a field
	// in the rubric's field table. It is false for an issue opened without
	// a form, or whose body was rewritten: triage should ask for one.
	IsForm bool
}

// FormField is one heading of a submitted form and the answer under it.
type FormField struct {
	// ID is the rubric's id for the field whose label the heading is, or ""
	// when the rubric's field table has no such label.
	ID string
	// Label is the heading's text, trimmed.
	Label string
	// Value is the markdown under the heading, verbatim and trimmed; "" when
	// the answer is blank or NoResponse.
	Value string
}

// ParseForm reads an issue body as a submitted form, mapping each heading to
// the rubric field with that label (without regard to case or surrounding
// space). It never fails: a body that is not a form gives a Form whose
// IsForm is false. Headings inside code blocks, quotes and lists are part of
// the answer they are in, not fields. It takes time linear in the body's
// length (GitHub allows 65,536 characters).
func ParseForm(body string, r Rubric) Form {
	src := []byte(body)
	doc := parseBlocks(src)
	ids := map[string]string{} // lower-case label → id
	for _, f := range r.Fields {
		key := strings.ToLower(strings.TrimSpace(f.Label))
		if _, dup := ids[key]; !dup {
			ids[key] = f.ID
		}
	}
	var hs []heading
	for _, h := range headings(doc, src) {
		if h.level == 3 {
			hs = append(hs, h)
		}
	}
	var form Form
	for i, h := range hs {
		end := len(body)
		if i+1 < len(hs) {
			end = hs[i+1].start
		}
		// The title of an ATX heading is one line of the body, trimmed, so
		// label and value are both substrings of it.
		label := strings.TrimSpace(string(h.title))
		value := strings.TrimSpace(body[h.end:end])
		if value == NoResponse {
			value = ""
		}
		id := ids[strings.ToLower(label)]
		form.IsForm = form.IsForm || id != ""
		form.Fields = append(form.Fields, FormField{ID: id, Label: label, Value: value})
	}
	return form
}

// Value returns the answer to the field whose rubric id is key; failing
// that, to the first heading whose label is key (without regard to case),
// so fields the rubric does not name ("Steps to reproduce") can be read
// too. It is "" when there is no such field or its answer is blank. When a
// body repeats a heading, the first one counts.
func (f Form) Value(key string) string {
	for _, ff := range f.Fields {
		if ff.ID != "" && ff.ID == key {
			return ff.Value
		}
	}
	for _, ff := range f.Fields {
		if strings.EqualFold(ff.Label, key) {
			return ff.Value
		}
	}
	return ""
}

// Kind returns the answer to the form's kind field (a dropdown).
func (f Form) Kind() string { return f.Value("kind") }

// Area returns the answer to the form's area field (a dropdown).
func (f Form) Area() string { return f.Value("area") }

// SizeHint returns the answer to the form's size hint field, "" when the
// author gave none.
func (f Form) SizeHint() string { return f.Value("size_hint") }

// Missing returns the fields the rubric requires before an item can be
// Ready whose answer is empty or says nothing, in the rubric's order. An
// answer says nothing when, ignoring case, surrounding space and a final
// '.', it is one of: "n/a", "na", "none", "nothing", "-", "--", "?",
// "...", "…", "tbd", "todo", "see title", "see above", "same as title".
// The list is short on purpose: anything longer is an answer, and triage
// judges whether it is a good one.
func (f Form) Missing(r Rubric) []Field {
	var missing []Field
	for _, field := range r.Fields {
		if field.Required && saysNothing(f.valueByID(field.ID)) {
			missing = append(missing, field)
		}
	}
	return missing
}

// valueByID is Value without the fallback to labels: a required field is
// answered only under its own heading.
func (f Form) valueByID(id string) string {
	for _, ff := range f.Fields {
		if ff.ID == id {
			return ff.Value
		}
	}
	return ""
}

// emptyAnswers are the answers Missing treats as no answer.
var emptyAnswers = map[string]bool{
	"n/a": true, "na": true, "none": true, "nothing": true,
	"-": true, "--": true, "?": true, "...": true, "…": true,
	"tbd": true, "todo": true,
	"see title": true, "see above": true, "same as title": true,
}

func saysNothing(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || v == NoResponse {
		return true
	}
	if len(v) > 20 {
		return false // longer than any entry: skip the folding
	}
	v = strings.ToLower(strings.Join(strings.Fields(v), " "))
	if v != "..." {
		v = strings.TrimSuffix(v, ".")
	}
	return emptyAnswers[v]
}

// BlockedBy returns the issues the form's blocked_by field names, in order
// and without repeats. It reads "#12", a bare "12", "owner/name#12" and
// "https://github.com/owner/name/issues/12", the last two only when
// owner/name is repo (without regard to case): an issue of another
// repository cannot block this board's work in a way the loop can see.
// Anything else in the answer is ignored.
func (f Form) BlockedBy(repo string) []int {
	var out []int
	seen := map[int]bool{}
	for _, tok := range strings.FieldsFunc(f.Value("blocked_by"), isRefSeparator) {
		n, ok := issueRef(tok, repo)
		if ok && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// isRefSeparator splits an answer into candidate references: space, and the
// punctuation around references in lists and markdown links.
func isRefSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', ',', ';', '(', ')', '[', ']', '<', '>', '*', '`', '"', '\'':
		return true
	}
	return false
}

// issueRef reads one token as a reference to an issue of repo.
func issueRef(tok, repo string) (int, bool) {
	// Emphasis and sentence punctuation around a reference; '_' is trimmed
	// rather than split at, as repository names may contain it.
	tok = strings.TrimLeft(tok, "_")
	tok = strings.TrimRight(tok, "_.:!?")
	if num, ok := strings.CutPrefix(tok, "#"); ok {
		return issueNumber(num)
	}
	if n, ok := issueNumber(tok); ok {
		return n, true
	}
	for _, scheme := range []string{"https://", "http://"} {
		rest, ok := strings.CutPrefix(tok, scheme)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "www.")
		host, rest, _ := strings.Cut(rest, "/")
		if !strings.EqualFold(host, "github.com") {
			return 0, false
		}
		rest, _, _ = strings.Cut(rest, "#") // a comment anchor
		rest, _, _ = strings.Cut(rest, "?")
		parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
		if len(parts) != 4 || parts[2] != "issues" || !strings.EqualFold(parts[0]+"/"+parts[1], repo) {
			return 0, false
		}
		return issueNumber(parts[3])
	}
	name, num, ok := strings.Cut(tok, "#")
	if !ok || !strings.EqualFold(name, repo) || !strings.Contains(name, "/") {
		return 0, false
	}
	return issueNumber(num)
}

// issueNumber reads a positive issue number of at most nine digits (GitHub's
// numbers are 32-bit), all ASCII digits.
func issueNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}
