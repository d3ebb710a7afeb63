// Package gql holds the GraphQL documents nanobots sends, as githubv4
// structs, and decodes their answers into plain types.
//
// Every field of every struct here carries an explicit `graphql:"…"` tag:
// githubv4 derives names from Go names otherwise and turns ProjectV2Item into
// projectV2item, which GitHub rejects (a test walks every type to enforce it).
// This package must never talk to GitHub by itself: it takes a Querier.
package gql

import (
	"context"
	"fmt"
	"time"

	"github.com/shurcooL/githubv4"
)

// Querier runs a githubv4 query; *ghclient.Client is one.
type Querier interface {
	Query(ctx context.Context, q any, vars map[string]any) error
}

// OwnerType says whether a board belongs to a user or an organization; the
// query differs, since projectV2 lives on each (not on RepositoryOwner).
type OwnerType string

const (
	OwnerUser         OwnerType = "user"
	OwnerOrganization OwnerType = "organization"
)

// PageSize is GitHub's largest page.
const PageSize = 100

type fieldNode struct {
	SingleSelect struct {
		ID       string       `graphql:"id"`
		Name     string       `graphql:"name"`
		DataType string       `graphql:"dataType"`
		Options  []optionNode `graphql:"options"`
	} `graphql:"... on ProjectV2SingleSelectField"`
	Common struct {
		ID       string `graphql:"id"`
		Name     string `graphql:"name"`
		DataType string `graphql:"dataType"`
	} `graphql:"... on ProjectV2FieldCommon"`
}

type optionNode struct {
	ID          string `graphql:"id"`
	Name        string `graphql:"name"`
	Color       string `graphql:"color"`
	Description string `graphql:"description"`
}

type fieldValueNode struct {
	SingleSelect struct {
		Name      string    `graphql:"name"`
		UpdatedAt time.Time `graphql:"updatedAt"`
		Field     struct {
			Common struct {
				Name string `graphql:"name"`
			} `graphql:"... on ProjectV2FieldCommon"`
		} `graphql:"field"`
	} `graphql:"... on ProjectV2ItemFieldSingleSelectValue"`
	Text struct {
		Text  string `graphql:"text"`
		Field struct {
			Common struct {
				Name string `graphql:"name"`
			} `graphql:"... on ProjectV2FieldCommon"`
		} `graphql:"field"`
	} `graphql:"... on ProjectV2ItemFieldTextValue"`
}

type labelNodes struct {
	Nodes []struct {
		Name string `graphql:"name"`
	} `graphql:"nodes"`
}

type itemNode struct {
	ID          string `graphql:"id"`
	Type        string `graphql:"type"`
	IsArchived  bool   `graphql:"isArchived"`
	FieldValues struct {
		Nodes []fieldValueNode `graphql:"nodes"`
	} `graphql:"fieldValues(first: 20)"`
	Content struct {
		Issue struct {
			ID         string `graphql:"id"`
			Number     int    `graphql:"number"`
			Title      string `graphql:"title"`
			State      string `graphql:"issueState: state"`
			Repository struct {
				NameWithOwner string `graphql:"nameWithOwner"`
			} `graphql:"repository"`
			Labels labelNodes `graphql:"labels(first: 20)"`
		} `graphql:"... on Issue"`
		PullRequest struct {
			ID         string `graphql:"id"`
			Number     int    `graphql:"number"`
			Title      string `graphql:"title"`
			State      string `graphql:"prState: state"`
			Repository struct {
				NameWithOwner string `graphql:"nameWithOwner"`
			} `graphql:"repository"`
		} `graphql:"... on PullRequest"`
	} `graphql:"content"`
}

// boardPage is one page of a board: its fields come with every page (the
// query text must stay the same across pages), its items 100 at a time.
type boardPage struct {
	ID     string `graphql:"id"`
	Title  string `graphql:"title"`
	URL    string `graphql:"url"`
	Fields struct {
		Nodes []fieldNode `graphql:"nodes"`
	} `graphql:"fields(first: 50)"`
	Items struct {
		PageInfo struct {
			HasNextPage bool   `graphql:"hasNextPage"`
			EndCursor   string `graphql:"endCursor"`
		} `graphql:"pageInfo"`
		Nodes []itemNode `graphql:"nodes"`
	} `graphql:"items(first: 100, after: $cursor)"`
}

type rateLimit struct {
	Cost      int `graphql:"cost"`
	Remaining int `graphql:"remaining"`
}

type userBoardQuery struct {
	Owner struct {
		ProjectV2 boardPage `graphql:"projectV2(number: $number)"`
	} `graphql:"user(login: $login)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

var _ = register(userBoardQuery{}, orgBoardQuery{})

type orgBoardQuery struct {
	Owner struct {
		ProjectV2 boardPage `graphql:"projectV2(number: $number)"`
	} `graphql:"organization(login: $login)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

// ReadBoard reads a board and all of its items, one request per 100 items
// (GitHub's floor). The items come in board order.
func ReadBoard(ctx context.Context, q Querier, ownerType OwnerType, owner string, number int) (*Board, error) {
	vars := map[string]any{
		"login":  githubv4.String(owner),
		"number": githubv4.Int(number),
		// The cursor variable stays a nullable String on every page, so the
		// query text is the same each time.
		"cursor": (*githubv4.String)(nil),
	}
	b := &Board{}
	if _, err := readItems(ctx, q, ownerType, vars, b); err != nil {
		return nil, err
	}
	return b, nil
}

// readItems reads board pages from vars["cursor"] on, appending the items to
// b (and, when b has no ID yet, taking the board's fields from the first page
// read). It returns how many requests it made.
func readItems(ctx context.Context, q Querier, ownerType OwnerType, vars map[string]any, b *Board) (int, error) {
	owner, number := vars["login"], vars["number"]
	for page := 0; ; page++ {
		var p *boardPage
		var rl rateLimit
		switch ownerType {
		case OwnerUser:
			var uq userBoardQuery
			if err := q.Query(ctx, &uq, vars); err != nil {
				return page, fmt.Errorf("read %s's board %d, page %d: %w", owner, number, page+1, err)
			}
			p, rl = &uq.Owner.ProjectV2, uq.RateLimit
		case OwnerOrganization:
			var oq orgBoardQuery
			if err := q.Query(ctx, &oq, vars); err != nil {
				return page, fmt.Errorf("read %s's board %d, page %d: %w", owner, number, page+1, err)
			}
			p, rl = &oq.Owner.ProjectV2, oq.RateLimit
		default:
			return page, fmt.Errorf("owner type %q: want %q or %q", ownerType, OwnerUser, OwnerOrganization)
		}
		b.Points += rl.Cost
		b.Remaining = rl.Remaining
		if b.ID == "" {
			b.ID, b.Title, b.URL = p.ID, p.Title, p.URL
			b.Fields = decodeFields(p.Fields.Nodes)
		}
		for _, n := range p.Items.Nodes {
			b.Items = append(b.Items, decodeItem(n))
		}
		if !p.Items.PageInfo.HasNextPage {
			return page + 1, nil
		}
		vars["cursor"] = githubv4.NewString(githubv4.String(p.Items.PageInfo.EndCursor))
	}
}

func decodeFields(nodes []fieldNode) []Field {
	out := make([]Field, 0, len(nodes))
	for _, n := range nodes {
		f := Field{ID: n.Common.ID, Name: n.Common.Name, DataType: n.Common.DataType}
		if n.SingleSelect.ID != "" {
			f = Field{ID: n.SingleSelect.ID, Name: n.SingleSelect.Name, DataType: n.SingleSelect.DataType}
			for _, o := range n.SingleSelect.Options {
				f.Options = append(f.Options, Option(o))
			}
		}
		out = append(out, f)
	}
	return out
}

func decodeItem(n itemNode) Item {
	it := Item{ID: n.ID, Type: n.Type, Archived: n.IsArchived, Values: map[string]string{}, Set: map[string]time.Time{}}
	for _, v := range n.FieldValues.Nodes {
		switch {
		case v.SingleSelect.Field.Common.Name != "":
			it.Values[v.SingleSelect.Field.Common.Name] = v.SingleSelect.Name
			it.Set[v.SingleSelect.Field.Common.Name] = v.SingleSelect.UpdatedAt
		case v.Text.Field.Common.Name != "":
			it.Values[v.Text.Field.Common.Name] = v.Text.Text
		}
	}
	switch c := n.Content; {
	case c.Issue.ID != "":
		it.Content = Content{ID: c.Issue.ID, Number: c.Issue.Number, Title: c.Issue.Title, State: c.Issue.State,
			Repository: c.Issue.Repository.NameWithOwner}
		for _, l := range c.Issue.Labels.Nodes {
			it.Content.Labels = append(it.Content.Labels, l.Name)
		}
	case c.PullRequest.ID != "":
		it.Content = Content{ID: c.PullRequest.ID, Number: c.PullRequest.Number, Title: c.PullRequest.Title,
			State: c.PullRequest.State, Repository: c.PullRequest.Repository.NameWithOwner, IsPull: true}
	}
	return it
}
