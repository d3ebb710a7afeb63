package setup

import (
	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/policy"
)

// fieldSpec is a single-select field the loop needs, with the options it
// reads and writes, in board order.
type fieldSpec struct {
	Name    string
	Options []gql.Option
}

// statusLooks are the colour and description bootstrap gives each Status
// option it adds. An option that exists keeps its own.
var statusLooks = map[string][2]string{
	policy.StatusInbox:      {"GRAY", "Filed, not yet triaged"},
	policy.StatusBacklog:    {"BLUE", "Triaged; not yet ready to start"},
	policy.StatusReady:      {"GREEN", "Triaged and ready to dispatch"},
	policy.StatusInProgress: {"YELLOW", "Dispatched to the coding agent"},
	policy.StatusInReview:   {"ORANGE", "A pull request closes it"},
	policy.StatusVerify:     {"PINK", "Merged; waiting for CI on the merge commit"},
	policy.StatusDone:       {"PURPLE", "Merged, verified, learned from"},
	policy.StatusBlocked:    {"RED", "Needs information or a human"},
}

// Colours for the rubric's priorities (most urgent first) and sizes
// (smallest first); a longer table than this repeats the last colour.
var (
	priorityColors = []string{"RED", "ORANGE", "YELLOW", "GRAY"}
	sizeColors     = []string{"GRAY", "BLUE", "GREEN", "YELLOW", "ORANGE", "RED"}
)

// wantFields are the fields the loop needs: Status with the board states,
// and Priority and Size with the rubric's priorities and sizes (described by
// the rubric's own words).
func wantFields(r policy.Rubric) []fieldSpec {
	status := fieldSpec{Name: policy.FieldStatus}
	for _, name := range policy.Statuses {
		look := statusLooks[name]
		status.Options = append(status.Options, gql.Option{Name: name, Color: look[0], Description: look[1]})
	}
	priority := fieldSpec{Name: policy.FieldPriority}
	for i, p := range r.Priorities {
		priority.Options = append(priority.Options, gql.Option{Name: p.Name, Color: pick(priorityColors, i), Description: p.About})
	}
	size := fieldSpec{Name: policy.FieldSize}
	for i, s := range r.Sizes {
		size.Options = append(size.Options, gql.Option{Name: s.Name, Color: pick(sizeColors, i), Description: s.About})
	}
	return []fieldSpec{status, priority, size}
}

func pick(colors []string, i int) string {
	return colors[min(i, len(colors)-1)]
}

// missingOptions names the options of want that field f lacks.
func missingOptions(f *gql.Field, want []gql.Option) []string {
	var missing []string
	for _, o := range want {
		if f.Option(o.Name) == nil {
			missing = append(missing, o.Name)
		}
	}
	return missing
}

// extraOptions names the options of field f that the loop does not use: a
// maintainer's, kept.
func extraOptions(f *gql.Field, want []gql.Option) []string {
	var extra []string
	for _, o := range f.Options {
		if !wanted(want, o.Name) {
			extra = append(extra, o.Name)
		}
	}
	return extra
}

func wanted(want []gql.Option, name string) bool {
	for _, w := range want {
		if w.Name == name {
			return true
		}
	}
	return false
}

// mergeOptions returns the options a field must have so the loop finds
// every option it needs and a maintainer loses none: the loop's options in
// the loop's order (an existing one keeps its colour and description), each
// followed by the maintainer's options that followed it on the board; the
// maintainer's options that came before any of the loop's come first. On a
// new board, Status's Todo stays at the front.
func mergeOptions(have, want []gql.Option) []gql.Option {
	after := map[string][]gql.Option{} // loop option → the extras after it
	anchor := ""
	for _, o := range have {
		if wanted(want, o.Name) {
			anchor = o.Name
			continue
		}
		after[anchor] = append(after[anchor], o)
	}
	merged := append([]gql.Option(nil), after[""]...)
	for _, w := range want {
		o := w
		for _, h := range have {
			if h.Name == w.Name {
				o = h
			}
		}
		merged = append(merged, o)
		merged = append(merged, after[w.Name]...)
	}
	return merged
}
