package gql

import (
	"context"
	"fmt"

	"github.com/shurcooL/githubv4"
)

// commentPageQuery reads one page of an issue's comments, newest pages
// first.
type commentPageQuery struct {
	Node struct {
		Issue struct {
			Comments struct {
				PageInfo struct {
					HasPreviousPage bool   `graphql:"hasPreviousPage"`
					StartCursor     string `graphql:"startCursor"`
				} `graphql:"pageInfo"`
				Nodes []commentNode `graphql:"nodes"`
			} `graphql:"comments(last: 100, before: $before)"`
		} `graphql:"... on Issue"`
	} `graphql:"node(id: $id)"`
}

var _ = register(commentPageQuery{})

// AllComments reads every comment of the issue with the given node id,
// oldest first, 100 a request: for an issue with more comments than
// ReadIssues reads, so that what the loop wrote is never pushed out of view
// by what others wrote after it. requests is how many requests it took.
func AllComments(ctx context.Context, q Querier, id string) (comments []Comment, requests int, err error) {
	var before *githubv4.String
	for {
		var cq commentPageQuery
		if err := q.Query(ctx, &cq, map[string]any{"id": githubv4.ID(id), "before": before}); err != nil {
			return nil, requests, fmt.Errorf("read the comments of %s: %w", id, err)
		}
		requests++
		c := cq.Node.Issue.Comments
		page := make([]Comment, 0, len(c.Nodes))
		for _, n := range c.Nodes {
			page = append(page, n.decode())
		}
		comments = append(page, comments...)
		if !c.PageInfo.HasPreviousPage {
			return comments, requests, nil
		}
		before = githubv4.NewString(githubv4.String(c.PageInfo.StartCursor))
	}
}
