package gql

import (
	"context"
	"fmt"
	"reflect"

	"github.com/shurcooL/githubv4"
)

// MaxBatch is the most mutations one Batch request carries. GitHub charges
// secondary-limit points per mutation either way; fewer round trips is the
// gain, and a bounded request keeps a failure's reach small.
const MaxBatch = 25

// Batch sends several mutations in one request, each under its own alias
// (GraphQL runs a document's mutations one after another, in order). A
// mutation that fails leaves its result nil and does not stop the ones
// after it; Run reports which succeeded.
type Batch struct {
	fields []reflect.StructField
	inputs []githubv4.Input
}

type itemResult struct {
	Item struct {
		ID string `graphql:"id"`
		// Status is read back because adding an issue that is on the
		// board already returns its item unchanged: a Status set means
		// someone (another cycle) put it there first.
		Status struct {
			SingleSelect struct {
				Name string `graphql:"name"`
			} `graphql:"... on ProjectV2ItemFieldSingleSelectValue"`
		} `graphql:"fieldValueByName(name: \"Status\")"`
	} `graphql:"item"`
}

type fieldResult struct {
	ProjectV2Item struct {
		ID string `graphql:"id"`
	} `graphql:"projectV2Item"`
}

type commentResult struct {
	CommentEdge struct {
		Node struct {
			ID         string `graphql:"id"`
			DatabaseID int64  `graphql:"databaseId"`
			URL        string `graphql:"url"`
		} `graphql:"node"`
	} `graphql:"commentEdge"`
}

// Len is how many mutations the batch holds.
func (b *Batch) Len() int { return len(b.fields) }

func (b *Batch) add(field string, result any, input githubv4.Input) int {
	i := len(b.fields)
	// githubv4 always declares $input, so the first mutation takes it.
	v := "input"
	if i > 0 {
		v = fmt.Sprintf("i%d", i)
	}
	b.fields = append(b.fields, reflect.StructField{
		Name: fmt.Sprintf("M%d", i),
		Type: reflect.PointerTo(reflect.TypeOf(result)),
		Tag:  reflect.StructTag(fmt.Sprintf(`graphql:"m%d: %s(input: $%s)"`, i, field, v)),
	})
	b.inputs = append(b.inputs, input)
	return i
}

// AddItem queues addProjectV2ItemById; its result is the item's id.
func (b *Batch) AddItem(projectID, contentID string) int {
	return b.add("addProjectV2ItemById", itemResult{}, githubv4.AddProjectV2ItemByIdInput{
		ProjectID: githubv4.ID(projectID), ContentID: githubv4.ID(contentID)})
}

// SetOption queues updateProjectV2ItemFieldValue for a single-select field.
func (b *Batch) SetOption(projectID, itemID, fieldID, optionID string) int {
	opt := githubv4.String(optionID)
	return b.add("updateProjectV2ItemFieldValue", fieldResult{}, githubv4.UpdateProjectV2ItemFieldValueInput{
		ProjectID: githubv4.ID(projectID), ItemID: githubv4.ID(itemID), FieldID: githubv4.ID(fieldID),
		Value: githubv4.ProjectV2FieldValue{SingleSelectOptionID: &opt}})
}

// AddComment queues addComment; its result is the comment's URL.
func (b *Batch) AddComment(subjectID, body string) int {
	return b.add("addComment", commentResult{}, githubv4.AddCommentInput{
		SubjectID: githubv4.ID(subjectID), Body: githubv4.String(body)})
}

// BatchResult is one mutation's outcome: OK, and the item id (AddItem) or
// comment URL (AddComment) it returned, a comment's databaseId (the number
// REST names it by, in the order comments were made), and the Status an
// added item already had ("" for one new on the board).
type BatchResult struct {
	OK         bool
	Value      string
	DatabaseID int64
	Status     string
}

// Run sends the batch. results[i] is mutation i's outcome. err is the
// request's error: when it is a *GraphQLError, the mutations whose results
// are OK were carried out all the same.
func (b *Batch) Run(ctx context.Context, m Mutator) (results []BatchResult, err error) {
	if len(b.fields) == 0 {
		return nil, nil
	}
	v := reflect.New(reflect.StructOf(b.fields))
	vars := map[string]any{}
	for i, in := range b.inputs[1:] {
		vars[fmt.Sprintf("i%d", i+1)] = in
	}
	err = m.Mutate(ctx, v.Interface(), b.inputs[0], vars)
	results = make([]BatchResult, len(b.fields))
	for i := range b.fields {
		f := v.Elem().Field(i)
		if f.IsNil() {
			continue
		}
		switch r := f.Interface().(type) {
		case *itemResult:
			results[i] = BatchResult{OK: r.Item.ID != "", Value: r.Item.ID, Status: r.Item.Status.SingleSelect.Name}
		case *fieldResult:
			results[i] = BatchResult{OK: r.ProjectV2Item.ID != ""}
		case *commentResult:
			results[i] = BatchResult{OK: r.CommentEdge.Node.ID != "", Value: r.CommentEdge.Node.URL, DatabaseID: r.CommentEdge.Node.DatabaseID}
		}
	}
	return results, err
}

var _ = register(itemResult{}, fieldResult{}, commentResult{})
