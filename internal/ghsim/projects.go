package ghsim

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
)

// builtinFields are the fields every new board has, in GitHub's order.
// Status is among them: a board never needs a second one.
var builtinFields = []struct{ name, dataType string }{
	{"Title", "TITLE"},
	{"Assignees", "ASSIGNEES"},
	{"Status", "SINGLE_SELECT"},
	{"Labels", "LABELS"},
	{"Linked pull requests", "LINKED_PULL_REQUESTS"},
	{"Milestone", "MILESTONE"},
	{"Repository", "REPOSITORY"},
	{"Reviewers", "REVIEWERS"},
	{"Parent issue", "PARENT_ISSUE"},
	{"Sub-issues progress", "SUB_ISSUES_PROGRESS"},
}

// OptionSpec describes a single-select option to create.
type OptionSpec struct{ Name, Color, Description string }

// AddProject creates a board for a user or organization with GitHub's
// built-in fields; Status starts with GitHub's default options.
func (w *World) AddProject(owner *User, title string) *Project {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addProject(owner, title)
}

func (w *World) addProject(owner *User, title string) *Project {
	n := 1
	for _, p := range w.projects {
		if p.Owner == owner && p.Number >= n {
			n = p.Number + 1
		}
	}
	p := &Project{ID: w.id(), Number: n, Owner: owner, Title: title, CreatedAt: w.Now(), CloseSetsDone: true}
	p.NodeID = w.nodeID("PVT", p.ID, p)
	for _, bf := range builtinFields {
		f := w.addField(p, bf.name, bf.dataType)
		if bf.name == "Status" {
			for _, o := range []OptionSpec{{"Todo", "GREEN", ""}, {"In Progress", "YELLOW", ""}, {"Done", "PURPLE", ""}} {
				w.addOption(f, o)
			}
		}
	}
	w.projects = append(w.projects, p)
	return p
}

// Project returns owner's board number n.
func (w *World) Project(owner string, n int) *Project {
	for _, p := range w.projects {
		if strings.EqualFold(p.Owner.Login, owner) && p.Number == n {
			return p
		}
	}
	return nil
}

func (w *World) addField(p *Project, name, dataType string) *Field {
	f := &Field{ID: w.id(), Project: p, Name: name, DataType: dataType}
	prefix := "PVTF"
	switch dataType {
	case "SINGLE_SELECT":
		prefix = "PVTSSF"
	case "ITERATION":
		prefix = "PVTIF"
	}
	f.NodeID = w.nodeID(prefix, f.ID, f)
	p.Fields = append(p.Fields, f)
	return f
}

func (w *World) addOption(f *Field, o OptionSpec) *SelectOption {
	// GitHub's option IDs are eight hex digits.
	sum := sha1.Sum([]byte(fmt.Sprintf("%s\x00%d\x00%s", f.NodeID, w.id(), o.Name)))
	opt := &SelectOption{ID: hex.EncodeToString(sum[:4]), Name: o.Name, Color: o.Color, Description: o.Description}
	f.Options = append(f.Options, opt)
	return opt
}

// AddSingleSelectField creates a single-select field, or returns an error if
// the name is taken (GitHub: "Name has already been taken").
func (w *World) AddSingleSelectField(p *Project, name string, opts ...OptionSpec) (*Field, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.createField(p, name, "SINGLE_SELECT", opts)
}

func (w *World) createField(p *Project, name, dataType string, opts []OptionSpec) (*Field, error) {
	if p.FieldByName(name) != nil {
		return nil, fmt.Errorf("Name has already been taken")
	}
	if len(p.Fields) >= 50 {
		return nil, fmt.Errorf("Projects cannot have more than 50 fields")
	}
	f := w.addField(p, name, dataType)
	for _, o := range opts {
		w.addOption(f, o)
	}
	return f, nil
}

// SetOptions replaces a single-select field's options, keeping the IDs of
// options whose names stay, as editing them in the web UI does. (The API's
// updateProjectV2Field cannot: see replaceOptions.)
func (w *World) SetOptions(f *Field, opts ...OptionSpec) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.setOptions(f, opts)
}

func (w *World) setOptions(f *Field, opts []OptionSpec) {
	old := f.Options
	f.Options = nil
	for _, o := range opts {
		var kept *SelectOption
		for _, prev := range old {
			if strings.EqualFold(prev.Name, o.Name) {
				kept = prev
			}
		}
		if kept != nil {
			kept.Name, kept.Color, kept.Description = o.Name, o.Color, o.Description
			f.Options = append(f.Options, kept)
			continue
		}
		w.addOption(f, o)
	}
	// Values pointing at removed options are cleared, as on GitHub.
	ids := map[string]bool{}
	for _, o := range f.Options {
		ids[o.ID] = true
	}
	for _, it := range f.Project.Items {
		if v, ok := it.Values[f]; ok && !ids[v.OptionID] {
			delete(it.Values, f)
		}
	}
}

// FieldByName returns a field by name (GitHub matches names exactly).
func (p *Project) FieldByName(name string) *Field {
	for _, f := range p.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// OptionByName returns a single-select option by name.
func (f *Field) OptionByName(name string) *SelectOption {
	if f == nil {
		return nil
	}
	for _, o := range f.Options {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// Option returns a single-select option by ID.
func (f *Field) Option(id string) *SelectOption {
	for _, o := range f.Options {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// MaxItems is how many items one board holds. GitHub's current limit is
// 50,000; some boards still carry the legacy 1,200 (see github-api.md §1.7).
const MaxItems = 50000

// AddItem puts an issue or pull request on a board; adding one that is
// already there returns the existing item, as addProjectV2ItemById does.
func (w *World) AddItem(p *Project, content *Issue) (*Item, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addItem(p, content)
}

func (w *World) addItem(p *Project, content *Issue) (*Item, error) {
	for _, it := range p.Items {
		if it.Content == content {
			return it, nil
		}
	}
	live := 0
	for _, it := range p.Items {
		if !it.Archived {
			live++
		}
	}
	if live >= MaxItems {
		return nil, fmt.Errorf("Projects cannot have more than %d items. To add more, please archive or delete existing items.", MaxItems)
	}
	now := w.Now()
	it := &Item{ID: w.id(), Project: p, Content: content, Values: map[*Field]FieldValue{}, CreatedAt: now, UpdatedAt: now}
	it.NodeID = w.nodeID("PVTI", it.ID, it)
	p.Items = append(p.Items, it)
	return it, nil
}

// SetOption sets an item's single-select value by option name.
func (w *World) SetOption(it *Item, field, option string) error {
	return w.SetOptionAs(it, field, option, nil)
}

// SetOptionAs sets an item's single-select value by option name, as by
// would on the board (nil: nobody; the value then has no creator).
func (w *World) SetOptionAs(it *Item, field, option string, by *User) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := it.Project.FieldByName(field)
	if f == nil {
		return fmt.Errorf("field %q not found", field)
	}
	o := f.OptionByName(option)
	if o == nil {
		return fmt.Errorf("field %q has no option %q", field, option)
	}
	it.Values[f] = FieldValue{OptionID: o.ID, UpdatedAt: w.Now(), By: by}
	it.UpdatedAt = w.Now()
	it.record(f, o.ID, w.Now(), by)
	return nil
}

// OptionName returns the name of an item's single-select value, or "".
func (it *Item) OptionName(field string) string {
	f := it.Project.FieldByName(field)
	if f == nil {
		return ""
	}
	v, ok := it.Values[f]
	if !ok {
		return ""
	}
	if o := f.Option(v.OptionID); o != nil {
		return o.Name
	}
	return ""
}

// ItemFor returns the board's item for an issue, or nil.
func (p *Project) ItemFor(is *Issue) *Item {
	for _, it := range p.Items {
		if it.Content == is {
			return it
		}
	}
	return nil
}

func (w *World) deleteItem(it *Item) {
	p := it.Project
	for i, x := range p.Items {
		if x == it {
			p.Items = append(p.Items[:i], p.Items[i+1:]...)
			break
		}
	}
	delete(w.nodes, it.NodeID)
}
