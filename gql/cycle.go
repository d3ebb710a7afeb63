package gql

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/shurcooL/githubv4"
)

// Cycle is what one cycle of the outer loop reads before it plans: the board
// with every item, and the small reads folded into the board's first page
// (who the token is, the inbox, the status issue candidates, the pin count).
type Cycle struct {
	Board *Board
	// Viewer is the login the token belongs to.
	Viewer string
	// Inbox holds the open issues carrying the inbox label, oldest first;
	// only their ids and numbers (ReadIssues gives the rest).
	Inbox []IssueRef
	// StatusIssues are the issues carrying the status label, open or
	// closed, oldest first, with their bodies, authors and latest comments.
	StatusIssues []Issue
	// Pinned is how many issues the repository has pinned.
	Pinned int
	// DefaultBranch is the repository's default branch.
	DefaultBranch string
	// Requests is how many GraphQL requests the read took.
	Requests int
}

// IssueRef names an issue.
type IssueRef struct {
	ID     string
	Number int
}

// CycleQuery says what ReadCycle reads.
type CycleQuery struct {
	OwnerType OwnerType
	Owner     string
	Number    int
	// Repo is "owner/name".
	Repo        string
	InboxLabel  string
	StatusLabel string
}

type actorNode struct {
	Typename string `graphql:"__typename"`
	Login    string `graphql:"login"`
}

type refIssueNodes struct {
	TotalCount int `graphql:"totalCount"`
	PageInfo   struct {
		HasNextPage bool   `graphql:"hasNextPage"`
		EndCursor   string `graphql:"endCursor"`
	} `graphql:"pageInfo"`
	Nodes []struct {
		ID     string `graphql:"id"`
		Number int    `graphql:"number"`
	} `graphql:"nodes"`
}

type statusIssueNode struct {
	ID        string          `graphql:"id"`
	Number    int             `graphql:"number"`
	Title     string          `graphql:"title"`
	Body      string          `graphql:"body"`
	URL       string          `graphql:"url"`
	State     githubv4.String `graphql:"issueState: state"`
	CreatedAt time.Time       `graphql:"createdAt"`
	// LastEditedAt tells a body the loop rewrote from the one it was
	// created with; Comments are the latest, which may announce items the
	// body does not list yet (see outerloop's heartbeat).
	LastEditedAt time.Time    `graphql:"lastEditedAt"`
	IsPinned     bool         `graphql:"isPinned"`
	Author       actorNode    `graphql:"author"`
	Comments     commentNodes `graphql:"comments(last: 10)"`
}

// statusIssues are the status issue candidates, as the loop's cycle and
// bootstrap and doctor all read them.
type statusIssues struct {
	Nodes []statusIssueNode `graphql:"nodes"`
}

func (ns statusIssues) decode() []Issue {
	var out []Issue
	for _, n := range ns.Nodes {
		out = append(out, n.decode())
	}
	return out
}

func (n statusIssueNode) decode() Issue {
	is := Issue{ID: n.ID, Number: n.Number, Title: n.Title, Body: n.Body, URL: n.URL,
		State: string(n.State), CreatedAt: n.CreatedAt, EditedAt: n.LastEditedAt, Pinned: n.IsPinned,
		Author: Actor{Login: n.Author.Login, Type: n.Author.Typename}, CommentCount: n.Comments.TotalCount}
	for _, c := range n.Comments.Nodes {
		is.Comments = append(is.Comments, c.decode())
	}
	return is
}

// cycleRepo is what the first page reads of the repository.
type cycleRepo struct {
	DefaultBranchRef struct {
		Name string `graphql:"name"`
	} `graphql:"defaultBranchRef"`
	Inbox        refIssueNodes `graphql:"inbox: issues(labels: $inboxLabels, states: OPEN, first: 100, orderBy: {field: CREATED_AT, direction: ASC})"`
	StatusIssues statusIssues  `graphql:"statusIssues: issues(labels: $statusLabels, first: 10, orderBy: {field: CREATED_AT, direction: ASC})"`
	PinnedIssues struct {
		TotalCount int `graphql:"totalCount"`
	} `graphql:"pinnedIssues(first: 3)"`
}

type viewerNode struct {
	Login string `graphql:"login"`
}

type userCycleQuery struct {
	Owner struct {
		ProjectV2 boardPage `graphql:"projectV2(number: $number)"`
	} `graphql:"user(login: $login)"`
	Repository cycleRepo  `graphql:"repository(owner: $repoOwner, name: $repoName)"`
	Viewer     viewerNode `graphql:"viewer"`
	RateLimit  rateLimit  `graphql:"rateLimit"`
}

type orgCycleQuery struct {
	Owner struct {
		ProjectV2 boardPage `graphql:"projectV2(number: $number)"`
	} `graphql:"organization(login: $login)"`
	Repository cycleRepo  `graphql:"repository(owner: $repoOwner, name: $repoName)"`
	Viewer     viewerNode `graphql:"viewer"`
	RateLimit  rateLimit  `graphql:"rateLimit"`
}

type inboxPageQuery struct {
	Repository struct {
		Inbox refIssueNodes `graphql:"issues(labels: $inboxLabels, states: OPEN, first: 100, after: $cursor, orderBy: {field: CREATED_AT, direction: ASC})"`
	} `graphql:"repository(owner: $repoOwner, name: $repoName)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

var _ = register(userCycleQuery{}, orgCycleQuery{}, inboxPageQuery{})

// ReadCycle reads the board, every item, and the small reads the planner
// needs, in ceil(items/100) requests (one when the board is empty): the
// first page's request also carries the viewer, the inbox, the status
// issue candidates, the pinned count and the agent's branches. Only an
// inbox of more than 100 open issues costs more.
func ReadCycle(ctx context.Context, q Querier, cq CycleQuery) (*Cycle, error) {
	repoOwner, repoName, ok := strings.Cut(cq.Repo, "/")
	if !ok {
		return nil, fmt.Errorf("repository %q: want owner/name", cq.Repo)
	}
	vars := map[string]any{
		"login":        githubv4.String(cq.Owner),
		"number":       githubv4.Int(cq.Number),
		"cursor":       (*githubv4.String)(nil),
		"repoOwner":    githubv4.String(repoOwner),
		"repoName":     githubv4.String(repoName),
		"inboxLabels":  []githubv4.String{githubv4.String(cq.InboxLabel)},
		"statusLabels": []githubv4.String{githubv4.String(cq.StatusLabel)},
	}
	var p *boardPage
	var repo *cycleRepo
	var viewer viewerNode
	var rl rateLimit
	switch cq.OwnerType {
	case OwnerUser:
		var uq userCycleQuery
		if err := q.Query(ctx, &uq, vars); err != nil {
			return nil, fmt.Errorf("read %s's board %d and %s: %w", cq.Owner, cq.Number, cq.Repo, err)
		}
		p, repo, viewer, rl = &uq.Owner.ProjectV2, &uq.Repository, uq.Viewer, uq.RateLimit
	case OwnerOrganization:
		var oq orgCycleQuery
		if err := q.Query(ctx, &oq, vars); err != nil {
			return nil, fmt.Errorf("read %s's board %d and %s: %w", cq.Owner, cq.Number, cq.Repo, err)
		}
		p, repo, viewer, rl = &oq.Owner.ProjectV2, &oq.Repository, oq.Viewer, oq.RateLimit
	default:
		return nil, fmt.Errorf("owner type %q: want %q or %q", cq.OwnerType, OwnerUser, OwnerOrganization)
	}
	c := &Cycle{
		Board:         &Board{ID: p.ID, Title: p.Title, URL: p.URL, Fields: decodeFields(p.Fields.Nodes), Points: rl.Cost, Remaining: rl.Remaining},
		Viewer:        viewer.Login,
		Pinned:        repo.PinnedIssues.TotalCount,
		DefaultBranch: repo.DefaultBranchRef.Name,
		Requests:      1,
	}
	if p.ID == "" {
		return nil, fmt.Errorf("%s's board %d: not found, or the token cannot see it", cq.Owner, cq.Number)
	}
	for _, n := range p.Items.Nodes {
		c.Board.Items = append(c.Board.Items, decodeItem(n))
	}
	for _, n := range repo.Inbox.Nodes {
		c.Inbox = append(c.Inbox, IssueRef{ID: n.ID, Number: n.Number})
	}
	c.StatusIssues = repo.StatusIssues.decode()
	if p.Items.PageInfo.HasNextPage {
		vars := map[string]any{
			"login":  githubv4.String(cq.Owner),
			"number": githubv4.Int(cq.Number),
			"cursor": githubv4.NewString(githubv4.String(p.Items.PageInfo.EndCursor)),
		}
		n, err := readItems(ctx, q, cq.OwnerType, vars, c.Board)
		c.Requests += n
		if err != nil {
			return nil, err
		}
	}
	after := repo.Inbox.PageInfo
	for after.HasNextPage {
		var iq inboxPageQuery
		vars := map[string]any{
			"repoOwner":   githubv4.String(repoOwner),
			"repoName":    githubv4.String(repoName),
			"inboxLabels": []githubv4.String{githubv4.String(cq.InboxLabel)},
			"cursor":      githubv4.NewString(githubv4.String(after.EndCursor)),
		}
		if err := q.Query(ctx, &iq, vars); err != nil {
			return nil, fmt.Errorf("read %s's inbox: %w", cq.Repo, err)
		}
		c.Requests++
		c.Board.Points += iq.RateLimit.Cost
		c.Board.Remaining = iq.RateLimit.Remaining
		for _, n := range iq.Repository.Inbox.Nodes {
			c.Inbox = append(c.Inbox, IssueRef{ID: n.ID, Number: n.Number})
		}
		after = iq.Repository.Inbox.PageInfo
	}
	return c, nil
}

type commentNodes struct {
	TotalCount int           `graphql:"totalCount"`
	Nodes      []commentNode `graphql:"nodes"`
}

// commentNode is one comment as every read of comments asks for it.
type commentNode struct {
	ID         string    `graphql:"id"`
	DatabaseID int64     `graphql:"databaseId"`
	URL        string    `graphql:"url"`
	Body       string    `graphql:"body"`
	CreatedAt  time.Time `graphql:"createdAt"`
	Author     actorNode `graphql:"author"`
}

func (c commentNode) decode() Comment {
	return Comment{ID: c.ID, DatabaseID: c.DatabaseID, URL: c.URL, Body: c.Body,
		CreatedAt: c.CreatedAt, Author: Actor{Login: c.Author.Login, Type: c.Author.Typename}}
}

type contextNode struct {
	CheckRun struct {
		Name       string `graphql:"name"`
		Status     string `graphql:"status"`
		Conclusion string `graphql:"conclusion"`
		DetailsURL string `graphql:"detailsUrl"`
	} `graphql:"... on CheckRun"`
	StatusContext struct {
		Context   string `graphql:"context"`
		State     string `graphql:"state"`
		TargetURL string `graphql:"targetUrl"`
	} `graphql:"... on StatusContext"`
}

type closingPRNode struct {
	ID          string    `graphql:"id"`
	Number      int       `graphql:"number"`
	URL         string    `graphql:"url"`
	Title       string    `graphql:"title"`
	Body        string    `graphql:"body"`
	State       string    `graphql:"prState: state"`
	IsDraft     bool      `graphql:"isDraft"`
	HeadRefName string    `graphql:"headRefName"`
	Author      actorNode `graphql:"author"`
	Labels      struct {
		Nodes []struct {
			Name string `graphql:"name"`
		} `graphql:"nodes"`
	} `graphql:"labels(first: 20)"`
	CreatedAt   time.Time `graphql:"createdAt"`
	MergedAt    time.Time `graphql:"mergedAt"`
	ClosedAt    time.Time `graphql:"closedAt"`
	MergeCommit struct {
		Oid               string `graphql:"oid"`
		StatusCheckRollup struct {
			State    string `graphql:"state"`
			Contexts struct {
				Nodes []contextNode `graphql:"nodes"`
			} `graphql:"contexts(first: 20)"`
		} `graphql:"statusCheckRollup"`
	} `graphql:"mergeCommit"`
}

type issueNode struct {
	ID           string    `graphql:"id"`
	Number       int       `graphql:"number"`
	Title        string    `graphql:"title"`
	Body         string    `graphql:"body"`
	URL          string    `graphql:"url"`
	State        string    `graphql:"issueState: state"`
	StateReason  string    `graphql:"stateReason"`
	CreatedAt    time.Time `graphql:"createdAt"`
	LastEditedAt time.Time `graphql:"lastEditedAt"`
	ClosedAt     time.Time `graphql:"closedAt"`
	IsPinned     bool      `graphql:"isPinned"`
	Author       actorNode `graphql:"author"`
	Labels       struct {
		Nodes []struct {
			Name string `graphql:"name"`
		} `graphql:"nodes"`
	} `graphql:"labels(first: 20)"`
	Assignees struct {
		Nodes []struct {
			Login string `graphql:"login"`
		} `graphql:"nodes"`
	} `graphql:"assignees(first: 10)"`
	Comments   commentNodes `graphql:"comments(last: 30)"`
	ClosingPRs struct {
		Nodes []closingPRNode `graphql:"nodes"`
	} `graphql:"closedByPullRequestsReferences(first: 5, includeClosedPrs: true)"`
}

type issuesQuery struct {
	Nodes []struct {
		Issue issueNode `graphql:"... on Issue"`
	} `graphql:"nodes(ids: $ids)"`
	RateLimit rateLimit `graphql:"rateLimit"`
}

var _ = register(issuesQuery{})

// IssueBatch is how many issues one ReadIssues request reads.
const IssueBatch = 50

// CommentWindow is how many of an issue's latest comments ReadIssues reads.
const CommentWindow = 30

// ReadIssues reads the issues with the given node ids, IssueBatch to a
// request, in the order given. points is what the reads cost.
func ReadIssues(ctx context.Context, q Querier, ids []string) (issues []Issue, requests, points int, err error) {
	for start := 0; start < len(ids); start += IssueBatch {
		batch := ids[start:min(start+IssueBatch, len(ids))]
		gids := make([]githubv4.ID, len(batch))
		for i, id := range batch {
			gids[i] = githubv4.ID(id)
		}
		var iq issuesQuery
		if err := q.Query(ctx, &iq, map[string]any{"ids": gids}); err != nil {
			return nil, requests, points, fmt.Errorf("read %d issues: %w", len(batch), err)
		}
		requests++
		points += iq.RateLimit.Cost
		for _, n := range iq.Nodes {
			if n.Issue.ID != "" {
				issues = append(issues, decodeIssue(n.Issue))
			}
		}
	}
	return issues, requests, points, nil
}

func decodeIssue(n issueNode) Issue {
	is := Issue{ID: n.ID, Number: n.Number, Title: n.Title, Body: n.Body, URL: n.URL, State: n.State,
		StateReason: n.StateReason, CreatedAt: n.CreatedAt, EditedAt: n.LastEditedAt, ClosedAt: n.ClosedAt,
		Pinned: n.IsPinned, Author: Actor{Login: n.Author.Login, Type: n.Author.Typename}, CommentCount: n.Comments.TotalCount}
	for _, l := range n.Labels.Nodes {
		is.Labels = append(is.Labels, l.Name)
	}
	for _, a := range n.Assignees.Nodes {
		is.Assignees = append(is.Assignees, a.Login)
	}
	for _, c := range n.Comments.Nodes {
		is.Comments = append(is.Comments, c.decode())
	}
	for _, p := range n.ClosingPRs.Nodes {
		pr := PullRequest{ID: p.ID, Number: p.Number, URL: p.URL, Title: p.Title, Body: p.Body, State: p.State,
			Draft: p.IsDraft, HeadRef: p.HeadRefName, CreatedAt: p.CreatedAt, MergedAt: p.MergedAt, ClosedAt: p.ClosedAt,
			MergeCommit: p.MergeCommit.Oid, CI: p.MergeCommit.StatusCheckRollup.State,
			Author: Actor{Login: p.Author.Login, Type: p.Author.Typename}}
		for _, l := range p.Labels.Nodes {
			pr.Labels = append(pr.Labels, l.Name)
		}
		for _, c := range p.MergeCommit.StatusCheckRollup.Contexts.Nodes {
			switch {
			case c.CheckRun.Name != "":
				state := c.CheckRun.Conclusion
				if state == "" {
					state = c.CheckRun.Status
				}
				pr.Checks = append(pr.Checks, Check{Name: c.CheckRun.Name, State: state, URL: c.CheckRun.DetailsURL})
			case c.StatusContext.Context != "":
				pr.Checks = append(pr.Checks, Check{Name: c.StatusContext.Context, State: c.StatusContext.State, URL: c.StatusContext.TargetURL})
			}
		}
		is.ClosingPRs = append(is.ClosingPRs, pr)
	}
	return is
}

// IssueStates reads whether each numbered issue of repo is OPEN or CLOSED,
// in one request: one aliased issue(number:) field each. A number that is
// not an issue of repo is left out of the map.
func IssueStates(ctx context.Context, q Querier, repo string, numbers []int) (map[int]string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return nil, fmt.Errorf("repository %q: want owner/name", repo)
	}
	out := map[int]string{}
	if len(numbers) == 0 {
		return out, nil
	}
	type stateNode struct {
		Number int    `graphql:"number"`
		State  string `graphql:"state"`
	}
	fields := make([]reflect.StructField, len(numbers))
	for i, n := range numbers {
		fields[i] = reflect.StructField{
			Name: fmt.Sprintf("I%d", i),
			Type: reflect.TypeFor[*stateNode](),
			Tag:  reflect.StructTag(fmt.Sprintf(`graphql:"i%d: issue(number: %d)"`, i, n)),
		}
	}
	repoType := reflect.StructOf(fields)
	queryType := reflect.StructOf([]reflect.StructField{{
		Name: "Repository", Type: repoType,
		Tag: `graphql:"repository(owner: $owner, name: $name)"`,
	}})
	v := reflect.New(queryType)
	err := q.Query(ctx, v.Interface(), map[string]any{"owner": githubv4.String(owner), "name": githubv4.String(name)})
	// A number that is not an issue is a NOT_FOUND error beside the
	// others' data; keep the data.
	var gerr interface{ HasType(string) bool }
	if err != nil && !(errors.As(err, &gerr) && gerr.HasType("NOT_FOUND")) {
		return nil, fmt.Errorf("read the state of issues %v: %w", numbers, err)
	}
	r := v.Elem().Field(0)
	for i := range numbers {
		if n, _ := r.Field(i).Interface().(*stateNode); n != nil && n.Number != 0 {
			out[n.Number] = n.State
		}
	}
	return out, nil
}
