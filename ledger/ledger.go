// Package ledger is the loop's memory on GitHub: the hidden markers it
// leaves in comments and issue bodies (<!-- nanobots:dispatch … -->), whose
// writing it trusts (the dispatcher's and the Actions bot's), and which issue
// is the status issue. The loop, bootstrap and doctor all read it here, so
// they can never disagree. It does no I/O and must never trust text by its
// content alone: anyone can type a marker.
package ledger

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nanobots-dev/nanobots/gql/model"
)

// A Marker is the loop's hidden note in a comment or issue body, an HTML
// comment GitHub does not render: <!-- nanobots:dispatch issue=12 attempt=2 -->.
// Markers are how the loop knows what it already did, so every write can be
// repeated safely. Anyone can type one, so a marker counts only in text the
// dispatcher or the Actions bot wrote (see Trust).
type Marker struct {
	Kind   string
	Fields map[string]string
}

// The kinds of marker the loop writes.
const (
	MarkTriage   = "triage"   // a triage comment: the work spec, or what is missing
	MarkDispatch = "dispatch" // a dispatch comment, with its attempt number
	MarkRequeue  = "requeue"  // the loop sent dispatched work back to Ready
	MarkSummon   = "summon"   // the loop asked a maintainer to step in
	MarkOpened   = "opened"   // the loop opened the pull request the agent's run left undone
	MarkDone     = "done"     // the loop verified the work and finished the item
	MarkStatus   = "status"   // the status issue's body
	MarkNeeded   = "needed"   // a status issue comment told people an item needs them
	// A LEARNINGS.md entry opens with its learned marker, so it is appended
	// once; a distill issue's body opens with its distill marker, which
	// records how many entries the file held when it was opened.
	MarkLearned = "learned" // <!-- nanobots:learned issue=12 pr=15 -->
	MarkDistill = "distill" // <!-- nanobots:distill entries=20 new=10 -->
)

// String formats m with its fields in name order, so the same marker is
// always the same text.
func (m Marker) String() string {
	var b strings.Builder
	b.WriteString("<!-- nanobots:")
	b.WriteString(m.Kind)
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, m.Fields[k])
	}
	b.WriteString(" -->")
	return b.String()
}

// Int returns the integer field name, or 0 when absent or not a number.
func (m Marker) Int(name string) int {
	n, err := strconv.Atoi(m.Fields[name])
	if err != nil {
		return 0
	}
	return n
}

// markerRE matches one marker. Kinds and keys are lower-case words; values
// are restricted to characters that cannot end the comment or hide text.
var markerRE = regexp.MustCompile(`<!-- nanobots:([a-z][a-z-]{0,30})((?: [a-z][a-z_]{0,30}=[A-Za-z0-9._:/-]{1,100}){0,10}) -->`)

// ParseMarkers returns every marker in text, in order. Text that only looks
// like a marker is ignored; it never fails.
func ParseMarkers(text string) []Marker {
	var out []Marker
	for _, m := range markerRE.FindAllStringSubmatch(text, 50) {
		mk := Marker{Kind: m[1], Fields: map[string]string{}}
		for _, kv := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(kv, "=")
			if _, dup := mk.Fields[k]; !dup {
				mk.Fields[k] = v
			}
		}
		out = append(out, mk)
	}
	return out
}

// Trust says whose writing the loop believes: the dispatcher (the login
// whose token posts dispatch comments) and the GitHub Actions bot, which
// GraphQL calls "github-actions" with type Bot.
type Trust struct {
	Dispatcher string
}

// Trusted reports whether a is the dispatcher or the Actions bot.
func (t Trust) Trusted(a model.Actor) bool {
	switch a.Type {
	case "Bot":
		return strings.TrimSuffix(a.Login, "[bot]") == "github-actions"
	case "User":
		return t.Dispatcher != "" && strings.EqualFold(a.Login, t.Dispatcher)
	}
	return false
}

// Note is a trusted marker with the comment it was found in.
type Note struct {
	Marker
	Comment model.Comment
}

// Notes returns the trusted markers in an issue's comments, oldest first.
// Markers in comments by anyone else, and in the issue body, are ignored.
func (t Trust) Notes(is *model.Issue) []Note {
	if is == nil {
		return nil
	}
	var out []Note
	for _, c := range is.Comments {
		if !t.Trusted(c.Author) {
			continue
		}
		for _, m := range ParseMarkers(c.Body) {
			out = append(out, Note{m, c})
		}
	}
	return out
}

// Last returns the newest trusted note of one of the kinds, or nil.
func Last(notes []Note, kinds ...string) *Note {
	for i := len(notes) - 1; i >= 0; i-- {
		for _, k := range kinds {
			if notes[i].Kind == k {
				return &notes[i]
			}
		}
	}
	return nil
}

// Count returns how many notes are of kind.
func Count(notes []Note, kind string) int {
	n := 0
	for _, x := range notes {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// HasMarker reports whether text holds a marker of kind.
func HasMarker(text, kind string) bool {
	for _, m := range ParseMarkers(text) {
		if m.Kind == kind {
			return true
		}
	}
	return false
}

// StatusMarker is the status issue's marker as bootstrap first writes it;
// the loop adds fields (hash, written) when it rewrites the body.
var StatusMarker = Marker{Kind: MarkStatus}.String()

// StatusIssue returns the status issue among candidates (the issues that
// carry the status label, oldest first): the oldest open one whose body has
// the status marker and whose author is trusted, else the oldest such closed
// one; nil when there is none.
func (t Trust) StatusIssue(candidates []model.Issue) *model.Issue {
	var closed *model.Issue
	for i := range candidates {
		is := &candidates[i]
		if !t.Trusted(is.Author) || !HasMarker(is.Body, MarkStatus) {
			continue
		}
		if is.State == "OPEN" {
			return is
		}
		if closed == nil {
			closed = is
		}
	}
	return closed
}

// Strip removes the lines of text that are markers alone, and trims it.
func Strip(text string) string {
	var keep []string
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "<!--") && markerRE.MatchString(t) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
