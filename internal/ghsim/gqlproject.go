package ghsim

import (
	"context"
	"fmt"

	"github.com/nanobots-dev/nanobots/internal/ghsim/gqlengine"
)

type projectObj struct {
	g *gq
	p *Project
}

func (o projectObj) TypeName() string { return "ProjectV2" }

func (o projectObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, p := o.g, o.p
	switch name {
	case "id":
		return p.NodeID, nil
	case "databaseId", "fullDatabaseId":
		return p.ID, nil
	case "number":
		return p.Number, nil
	case "title":
		return p.Title, nil
	case "shortDescription", "readme":
		return nil, nil
	case "closed":
		return p.Closed, nil
	case "public":
		return false, nil
	case "createdAt", "updatedAt":
		return gtime(p.CreatedAt), nil
	case "url":
		kind := "users"
		if p.Owner.Type == "Organization" {
			kind = "orgs"
		}
		return fmt.Sprintf("%s/%s/%s/projects/%d", g.c.html(), kind, p.Owner.Login, p.Number), nil
	case "owner":
		return g.owner(p.Owner), nil
	case "viewerCanUpdate":
		return g.canSeeProject(p) && g.canWriteProject(p) && g.hasScope("project"), nil
	case "fields":
		return conn("ProjectV2FieldConfigurationConnection", p.Fields, func(f *Field) any { return fieldObj{g, f} }, args)
	case "field":
		f := p.FieldByName(argString(args, "name"))
		if f == nil {
			return nil, nil
		}
		return fieldObj{g, f}, nil
	case "items":
		// Position order, the only order GitHub offers; DESC reverses it.
		items := p.Items
		if ob, ok := args["orderBy"].(map[string]any); ok && ob["direction"] == "DESC" {
			n := len(items)
			return gqlengine.NewConnectionOf("ProjectV2ItemConnection", n, func(i int) any { return itemObj{g, items[n-1-i]} }, args)
		}
		return conn("ProjectV2ItemConnection", items, func(it *Item) any { return itemObj{g, it} }, args)
	case "repositories":
		return conn("RepositoryConnection", p.Repos, func(r *Repo) any { return repoObj{g, r} }, args)
	}
	return nil, g.notSimulated("ProjectV2", name)
}

// fieldObj is a field, typed as GitHub types it: single-select fields are
// ProjectV2SingleSelectField, iterations ProjectV2IterationField, the rest
// ProjectV2Field.
type fieldObj struct {
	g *gq
	f *Field
}

func (o fieldObj) TypeName() string {
	switch o.f.DataType {
	case "SINGLE_SELECT":
		return "ProjectV2SingleSelectField"
	case "ITERATION":
		return "ProjectV2IterationField"
	}
	return "ProjectV2Field"
}

func (o fieldObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, f := o.g, o.f
	switch name {
	case "id":
		return f.NodeID, nil
	case "databaseId":
		return f.ID, nil
	case "name":
		return f.Name, nil
	case "dataType":
		return f.DataType, nil
	case "project":
		return projectObj{g, f.Project}, nil
	case "createdAt", "updatedAt":
		return gtime(f.Project.CreatedAt), nil
	case "options":
		if f.DataType != "SINGLE_SELECT" {
			break
		}
		names := argStrings(args, "names")
		var out []any
		for _, opt := range f.Options {
			keep := len(names) == 0
			for _, n := range names {
				keep = keep || n == opt.Name
			}
			if keep {
				out = append(out, optionObj(opt))
			}
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	}
	return nil, g.notSimulated(o.TypeName(), name)
}

func optionObj(o *SelectOption) gqlengine.Object {
	return gqlengine.NewRecord("ProjectV2SingleSelectFieldOption", map[string]any{
		"id": o.ID, "name": o.Name, "nameHTML": o.Name, "color": o.Color,
		"description": o.Description, "descriptionHTML": o.Description,
	})
}

type itemObj struct {
	g  *gq
	it *Item
}

func (o itemObj) TypeName() string { return "ProjectV2Item" }

func (o itemObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, it := o.g, o.it
	switch name {
	case "id":
		return it.NodeID, nil
	case "databaseId", "fullDatabaseId":
		return it.ID, nil
	case "type":
		return g.itemKind(it), nil
	case "isArchived":
		return it.Archived, nil
	case "createdAt":
		return gtime(it.CreatedAt), nil
	case "updatedAt":
		return gtime(it.UpdatedAt), nil
	case "project":
		return projectObj{g, it.Project}, nil
	case "creator":
		return g.owner(it.Project.Owner), nil
	case "content":
		switch g.itemKind(it) {
		case "DRAFT_ISSUE":
			return draftObj{g, it.Draft}, nil
		case "REDACTED":
			return nil, nil // GitHub redacts what the viewer cannot see
		}
		return g.issueOrPull(it.Content), nil
	case "fieldValues":
		return gqlengine.NewConnection("ProjectV2ItemFieldValueConnection", g.fieldValues(it), args)
	case "fieldValueByName":
		want := argString(args, "name")
		for _, v := range g.fieldValues(it) {
			if fv, ok := v.(fieldValueObj); ok && fv.f.Name == want {
				return v, nil
			}
		}
		return nil, nil
	}
	return nil, g.notSimulated("ProjectV2Item", name)
}

// fieldValues lists an item's values in field order, as GitHub does: the
// built-in Title, Labels and Repository, then the custom values that are set.
func (g *gq) fieldValues(it *Item) []any {
	var out []any
	kind := g.itemKind(it)
	for _, f := range it.Project.Fields {
		switch f.DataType {
		case "TITLE", "LABELS", "REPOSITORY", "ASSIGNEES":
			// A draft has a title only; a redacted card shows none of
			// its content.
			if kind == "REDACTED" || kind == "DRAFT_ISSUE" && f.DataType != "TITLE" {
				continue
			}
			if f.DataType == "LABELS" && len(it.Content.Labels) == 0 || f.DataType == "ASSIGNEES" && len(it.Content.Assignees) == 0 {
				continue
			}
			out = append(out, fieldValueObj{g, it, f, FieldValue{}})
		case "LINKED_PULL_REQUESTS":
			// The pull requests that close the issue, as GitHub links them.
			if kind == "ISSUE" && len(g.w.closingPulls(it.Content, true)) > 0 {
				out = append(out, fieldValueObj{g, it, f, FieldValue{}})
			}
		default:
			if v, ok := it.Values[f]; ok {
				out = append(out, fieldValueObj{g, it, f, v})
			}
		}
	}
	return out
}

type fieldValueObj struct {
	g  *gq
	it *Item
	f  *Field
	v  FieldValue
}

func (o fieldValueObj) TypeName() string {
	switch o.f.DataType {
	case "TITLE", "TEXT":
		return "ProjectV2ItemFieldTextValue"
	case "SINGLE_SELECT":
		return "ProjectV2ItemFieldSingleSelectValue"
	case "NUMBER":
		return "ProjectV2ItemFieldNumberValue"
	case "DATE":
		return "ProjectV2ItemFieldDateValue"
	case "LABELS":
		return "ProjectV2ItemFieldLabelValue"
	case "REPOSITORY":
		return "ProjectV2ItemFieldRepositoryValue"
	case "ASSIGNEES":
		return "ProjectV2ItemFieldUserValue"
	case "LINKED_PULL_REQUESTS":
		return "ProjectV2ItemFieldPullRequestValue"
	case "ITERATION":
		return "ProjectV2ItemFieldIterationValue"
	}
	return "ProjectV2ItemFieldTextValue"
}

func (o fieldValueObj) Field(ctx context.Context, name string, args map[string]any) (any, error) {
	g, f, v := o.g, o.f, o.v
	switch name {
	case "id":
		return fmt.Sprintf("PVTFV_%s_%s", o.it.NodeID, f.NodeID), nil
	case "databaseId":
		return o.it.ID*100 + f.ID%100, nil
	case "field":
		return fieldObj{g, f}, nil
	case "item":
		return itemObj{g, o.it}, nil
	case "createdAt":
		return gtime(o.it.CreatedAt), nil
	case "updatedAt":
		if v, ok := o.it.Values[f]; ok && !v.UpdatedAt.IsZero() {
			return gtime(v.UpdatedAt), nil
		}
		return gtime(o.it.UpdatedAt), nil
	case "creator":
		// Who set the value; a built-in value (Title, Labels…) and one the
		// world set without an actor read as the board's owner.
		if v, ok := o.it.Values[f]; ok && v.By != nil {
			return g.owner(v.By), nil
		}
		return g.owner(o.it.Project.Owner), nil
	case "pullRequests":
		return conn("PullRequestConnection", g.w.closingPulls(o.it.Content, true), func(is *Issue) any { return pullObj{g, is} }, args)
	case "title", "titleHTML":
		return v.Text, nil // an iteration's
	case "startDate":
		return v.Date, nil
	case "duration":
		if v.Number == nil {
			return 0, nil
		}
		return int(*v.Number), nil
	case "iterationId":
		return v.OptionID, nil
	case "text":
		if f.DataType == "TITLE" && o.it.Draft != nil {
			return o.it.Draft.Title, nil
		}
		if f.DataType == "TITLE" {
			return o.it.Content.Title, nil
		}
		return v.Text, nil
	case "number":
		if v.Number == nil {
			return nil, nil
		}
		return *v.Number, nil
	case "date":
		return nilIfEmpty(v.Date), nil
	case "optionId":
		return v.OptionID, nil
	case "name", "nameHTML", "color", "description", "descriptionHTML":
		opt := f.Option(v.OptionID)
		if opt == nil {
			return nil, nil
		}
		return map[string]any{"name": opt.Name, "nameHTML": opt.Name, "color": opt.Color,
			"description": opt.Description, "descriptionHTML": opt.Description}[name], nil
	case "labels":
		return conn("LabelConnection", o.it.Content.Labels, func(l *Label) any { return labelObj{g, l} }, args)
	case "users":
		return conn("UserConnection", o.it.Content.Assignees, func(u *User) any { return g.owner(u) }, args)
	case "repository":
		return repoObj{g, o.it.Content.Repo}, nil
	}
	return nil, g.notSimulated(o.TypeName(), name)
}
