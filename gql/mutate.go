package gql

import (
	"context"
	"fmt"

	"github.com/shurcooL/githubv4"
)

// This file holds the mutations the outer loop sends. Each is safe to
// repeat: adding an item already on the board returns it, and setting a
// field to its value changes nothing.

type addItemMutation struct {
	AddProjectV2ItemByID struct {
		Item struct {
			ID string `graphql:"id"`
		} `graphql:"item"`
	} `graphql:"addProjectV2ItemById(input: $input)"`
}

type setFieldMutation struct {
	UpdateProjectV2ItemFieldValue struct {
		ProjectV2Item struct {
			ID string `graphql:"id"`
		} `graphql:"projectV2Item"`
	} `graphql:"updateProjectV2ItemFieldValue(input: $input)"`
}

type addCommentMutation struct {
	AddComment struct {
		CommentEdge struct {
			Node struct {
				ID         string `graphql:"id"`
				DatabaseID int64  `graphql:"databaseId"`
				URL        string `graphql:"url"`
			} `graphql:"node"`
		} `graphql:"commentEdge"`
	} `graphql:"addComment(input: $input)"`
}

var _ = register(addItemMutation{}, setFieldMutation{}, addCommentMutation{})

// AddItem puts an issue or pull request (by node id) on a board and returns
// the item's id; when it is already there, GitHub returns the existing item.
func AddItem(ctx context.Context, m Mutator, projectID, contentID string) (string, error) {
	var mu addItemMutation
	err := m.Mutate(ctx, &mu, githubv4.AddProjectV2ItemByIdInput{
		ProjectID: githubv4.ID(projectID), ContentID: githubv4.ID(contentID),
	}, nil)
	if err != nil {
		return "", fmt.Errorf("add to the board: %w", err)
	}
	return mu.AddProjectV2ItemByID.Item.ID, nil
}

// SetOption sets a single-select field of a board item to an option.
func SetOption(ctx context.Context, m Mutator, projectID, itemID, fieldID, optionID string) error {
	opt := githubv4.String(optionID)
	var mu setFieldMutation
	err := m.Mutate(ctx, &mu, githubv4.UpdateProjectV2ItemFieldValueInput{
		ProjectID: githubv4.ID(projectID), ItemID: githubv4.ID(itemID), FieldID: githubv4.ID(fieldID),
		Value: githubv4.ProjectV2FieldValue{SingleSelectOptionID: &opt},
	}, nil)
	if err != nil {
		return fmt.Errorf("set a board field: %w", err)
	}
	return nil
}

// AddComment comments on an issue or pull request (by node id).
func AddComment(ctx context.Context, m Mutator, subjectID, body string) (Comment, error) {
	var mu addCommentMutation
	err := m.Mutate(ctx, &mu, githubv4.AddCommentInput{SubjectID: githubv4.ID(subjectID), Body: githubv4.String(body)}, nil)
	if err != nil {
		return Comment{}, fmt.Errorf("comment: %w", err)
	}
	n := mu.AddComment.CommentEdge.Node
	return Comment{ID: n.ID, DatabaseID: n.DatabaseID, URL: n.URL, Body: body}, nil
}
