package ghsim

import (
	"fmt"
	"time"
)

// CrowdFields gives a board n more fields, as a team that tracks much on
// its board has: text, number, date and iteration fields in turn, placed
// first in the board's field order (as a person arranges them in the
// project settings), each with a value on every card. GitHub lists an
// item's values in field order, so with n of 19 or more a client reading
// fieldValues(first: 20) no longer sees Status (research note, row 4).
func (w *World) CrowdFields(p *Project, n int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p.Fields)+n > 50 {
		return fmt.Errorf("Projects cannot have more than 50 fields")
	}
	kinds := []string{"TEXT", "NUMBER", "DATE", "ITERATION"}
	now := w.Now()
	var added []*Field
	for i := range n {
		kind := kinds[i%len(kinds)]
		f, err := w.createField(p, fmt.Sprintf("Tracked %d", i+1), kind, nil)
		if err != nil {
			return err
		}
		added = append(added, f)
		for _, it := range p.Items {
			v := FieldValue{UpdatedAt: now}
			switch kind {
			case "TEXT":
				v.Text = fmt.Sprintf("note %d", i+1)
			case "NUMBER":
				x := float64(i + 1)
				v.Number = &x
			case "DATE":
				v.Date = now.AddDate(0, 0, i).Format(time.DateOnly)
			case "ITERATION":
				// An iteration value: its title, start and length in days.
				d := 14.0
				v.Text, v.Date, v.Number, v.OptionID = fmt.Sprintf("Sprint %d", i+1), now.Format(time.DateOnly), &d, fmt.Sprintf("%08x", f.ID)
			}
			it.Values[f] = v
		}
	}
	// Title stays first; the new fields come before every other.
	rest := make([]*Field, 0, len(p.Fields))
	for _, f := range p.Fields[1 : len(p.Fields)-n] {
		rest = append(rest, f)
	}
	p.Fields = append(append([]*Field{p.Fields[0]}, added...), rest...)
	return nil
}
