package gql

import (
	"context"
	"fmt"
	"strings"

	"github.com/shurcooL/githubv4"
)

// This file holds the documents `nanobots bootstrap` and `nanobots doctor`
// send: a board's configuration with option colours and descriptions (which
// an options update must send back), the repository's pins and status issue
// candidates, and the mutations that set a board and a repository up.

// Mutator runs a githubv4 mutation; *ghclient.Client is one.
type Mutator interface {
	Mutate(ctx context.Context, m any, input githubv4.Input, vars map[string]any) error
}

type setupBoardNode struct {
	ID     string `graphql:"id"`
	Title  string `graphql:"title"`
	URL    string `graphql:"url"`
	Fields struct {
		Nodes []fieldNode `graphql:"nodes"`
	} `graphql:"fields(first: 50)"`
	Repositories struct {
		Nodes []struct {
			NameWithOwner string `graphql:"nameWithOwner"`
		} `graphql:"nodes"`
	} `graphql:"repositories(first: 100)"`
}

type setupUserBoardQuery struct {
	Owner struct {
		ProjectV2 setupBoardNode `graphql:"projectV2(number: $number)"`
	} `graphql:"user(login: $login)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

type setupOrgBoardQuery struct {
	Owner struct {
		ProjectV2 setupBoardNode `graphql:"projectV2(number: $number)"`
	} `graphql:"organization(login: $login)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

var _ = register(setupUserBoardQuery{}, setupOrgBoardQuery{})

// ReadBoardSetup reads a board's fields, every option's colour and
// description, and its linked repositories, in one request; not its items.
// (A board has at most 50 fields, GitHub's limit, so one page holds them
// all.)
func ReadBoardSetup(ctx context.Context, q Querier, ownerType OwnerType, owner string, number int) (*Board, error) {
	vars := map[string]any{"login": githubv4.String(owner), "number": githubv4.Int(number)}
	var n setupBoardNode
	var rl rateLimit
	switch ownerType {
	case OwnerUser:
		var uq setupUserBoardQuery
		if err := q.Query(ctx, &uq, vars); err != nil {
			return nil, err
		}
		n, rl = uq.Owner.ProjectV2, uq.RateLimit
	case OwnerOrganization:
		var oq setupOrgBoardQuery
		if err := q.Query(ctx, &oq, vars); err != nil {
			return nil, err
		}
		n, rl = oq.Owner.ProjectV2, oq.RateLimit
	default:
		return nil, fmt.Errorf("owner type %q: want %q or %q", ownerType, OwnerUser, OwnerOrganization)
	}
	b := &Board{ID: n.ID, Title: n.Title, URL: n.URL, Fields: decodeFields(n.Fields.Nodes), Points: rl.Cost, Remaining: rl.Remaining}
	for _, r := range n.Repositories.Nodes {
		b.Repositories = append(b.Repositories, r.NameWithOwner)
	}
	return b, nil
}

// SetupRepo is what setting a repository up needs to know about it.
type SetupRepo struct {
	ID      string
	Private bool
	// ViewerPermission is the token's user's role: ADMIN, MAINTAIN, WRITE,
	// TRIAGE, READ, or "" for none.
	ViewerPermission string
	// Pinned are the pinned issues, at most three.
	Pinned []Issue
	// Labelled are the issues carrying the label asked for, open or closed,
	// oldest first (at most 10), read as ReadCycle reads the status issue
	// candidates, so ledger.Trust.StatusIssue finds the same issue in both.
	Labelled []Issue
	// Points is what reading it cost; Remaining the GraphQL points left.
	Points    int
	Remaining int
}

type setupRepoQuery struct {
	Repository struct {
		ID               string `graphql:"id"`
		IsPrivate        bool   `graphql:"isPrivate"`
		ViewerPermission string `graphql:"viewerPermission"`
		PinnedIssues     struct {
			Nodes []struct {
				Issue statusIssueNode `graphql:"issue"`
			} `graphql:"nodes"`
		} `graphql:"pinnedIssues(first: 3)"`
		Labelled statusIssues `graphql:"labelled: issues(labels: $labels, first: 10, orderBy: {field: CREATED_AT, direction: ASC})"`
	} `graphql:"repository(owner: $owner, name: $name)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

var _ = register(setupRepoQuery{})

// ReadSetupRepo reads a repository's node ID, visibility, the token's role,
// its pinned issues, and the issues carrying label, in one request.
func ReadSetupRepo(ctx context.Context, q Querier, repo, label string) (*SetupRepo, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return nil, fmt.Errorf("repository %q is not of the form owner/name", repo)
	}
	var rq setupRepoQuery
	vars := map[string]any{
		"owner":  githubv4.String(owner),
		"name":   githubv4.String(name),
		"labels": []githubv4.String{githubv4.String(label)},
	}
	if err := q.Query(ctx, &rq, vars); err != nil {
		return nil, err
	}
	r := rq.Repository
	out := &SetupRepo{ID: r.ID, Private: r.IsPrivate, ViewerPermission: r.ViewerPermission,
		Points: rq.RateLimit.Cost, Remaining: rq.RateLimit.Remaining}
	for _, p := range r.PinnedIssues.Nodes {
		out.Pinned = append(out.Pinned, p.Issue.decode())
	}
	for _, n := range r.Labelled.Nodes {
		out.Labelled = append(out.Labelled, n.decode())
	}
	return out, nil
}

type setupFieldPayload struct {
	SingleSelect struct {
		ID       string       `graphql:"id"`
		Name     string       `graphql:"name"`
		DataType string       `graphql:"dataType"`
		Options  []optionNode `graphql:"options"`
	} `graphql:"... on ProjectV2SingleSelectField"`
}

func (p setupFieldPayload) decode() *Field {
	f := &Field{ID: p.SingleSelect.ID, Name: p.SingleSelect.Name, DataType: p.SingleSelect.DataType}
	for _, o := range p.SingleSelect.Options {
		f.Options = append(f.Options, Option(o))
	}
	return f
}

type setupCreateFieldMutation struct {
	CreateProjectV2Field struct {
		ProjectV2Field setupFieldPayload `graphql:"projectV2Field"`
	} `graphql:"createProjectV2Field(input: $input)"`
}

type setupUpdateFieldMutation struct {
	UpdateProjectV2Field struct {
		ProjectV2Field setupFieldPayload `graphql:"projectV2Field"`
	} `graphql:"updateProjectV2Field(input: $input)"`
}

type setupLinkMutation struct {
	LinkProjectV2ToRepository struct {
		Repository struct {
			ID string `graphql:"id"`
		} `graphql:"repository"`
	} `graphql:"linkProjectV2ToRepository(input: $input)"`
}

type setupPinMutation struct {
	PinIssue struct {
		Issue struct {
			ID       string `graphql:"id"`
			IsPinned bool   `graphql:"isPinned"`
		} `graphql:"issue"`
	} `graphql:"pinIssue(input: $input)"`
}

var _ = register(setupCreateFieldMutation{}, setupUpdateFieldMutation{},
	setupLinkMutation{}, setupPinMutation{})

func optionInputs(opts []Option) *[]githubv4.ProjectV2SingleSelectFieldOptionInput {
	in := make([]githubv4.ProjectV2SingleSelectFieldOptionInput, 0, len(opts))
	for _, o := range opts {
		in = append(in, githubv4.ProjectV2SingleSelectFieldOptionInput{
			Name:        githubv4.String(o.Name),
			Color:       githubv4.ProjectV2SingleSelectFieldOptionColor(o.Color),
			Description: githubv4.String(o.Description),
		})
	}
	return &in
}

// CreateSingleSelectField creates a single-select field with the given
// options (their IDs are ignored: GitHub assigns them) and returns it.
func CreateSingleSelectField(ctx context.Context, m Mutator, projectID, name string, opts []Option) (*Field, error) {
	var mu setupCreateFieldMutation
	in := githubv4.CreateProjectV2FieldInput{
		ProjectID:           githubv4.ID(projectID),
		DataType:            githubv4.ProjectV2CustomFieldTypeSingleSelect,
		Name:                githubv4.String(name),
		SingleSelectOptions: optionInputs(opts),
	}
	if err := m.Mutate(ctx, &mu, in, nil); err != nil {
		return nil, fmt.Errorf("create field %q: %w", name, err)
	}
	return mu.CreateProjectV2Field.ProjectV2Field.decode(), nil
}

// ReplaceOptions sets a single-select field's options to opts, in that
// order, and returns the field as GitHub then has it. The input type of the
// published schema cannot name an existing option, so GitHub gives every
// option a new ID and clears the values that pointed at the old ones: the
// caller must set those values again (see the returned option IDs).
func ReplaceOptions(ctx context.Context, m Mutator, fieldID string, opts []Option) (*Field, error) {
	var mu setupUpdateFieldMutation
	in := githubv4.UpdateProjectV2FieldInput{
		FieldID:             githubv4.ID(fieldID),
		SingleSelectOptions: optionInputs(opts),
	}
	if err := m.Mutate(ctx, &mu, in, nil); err != nil {
		return nil, fmt.Errorf("update the options of field %s: %w", fieldID, err)
	}
	return mu.UpdateProjectV2Field.ProjectV2Field.decode(), nil
}

// LinkRepository links a repository to a board, so the board shows in the
// repository's Projects tab. Linking one already linked changes nothing.
func LinkRepository(ctx context.Context, m Mutator, projectID, repoID string) error {
	var mu setupLinkMutation
	in := githubv4.LinkProjectV2ToRepositoryInput{ProjectID: githubv4.ID(projectID), RepositoryID: githubv4.ID(repoID)}
	if err := m.Mutate(ctx, &mu, in, nil); err != nil {
		return fmt.Errorf("link the board to the repository: %w", err)
	}
	return nil
}

// PinIssue pins an issue to its repository (at most three are pinned).
func PinIssue(ctx context.Context, m Mutator, issueID string) error {
	var mu setupPinMutation
	if err := m.Mutate(ctx, &mu, githubv4.PinIssueInput{IssueID: githubv4.ID(issueID)}, nil); err != nil {
		return fmt.Errorf("pin issue %s: %w", issueID, err)
	}
	return nil
}
