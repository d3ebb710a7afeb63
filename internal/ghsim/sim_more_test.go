package ghsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestOrganizationBoard(t *testing.T) {
	s := newSim(t)
	org := s.world.AddUser("acme", "Organization")
	octo := s.world.User("octo")
	p := s.world.AddProject(org, "acme roadmap")
	s.world.AddToken("ghp_outsider", "mona", "project", "repo")

	var q struct {
		Organization struct {
			ProjectV2 struct {
				Title  string `graphql:"title"`
				Status struct {
					SingleSelect struct {
						Options []struct {
							Name string `graphql:"name"`
						} `graphql:"options"`
					} `graphql:"... on ProjectV2SingleSelectField"`
				} `graphql:"field(name: \"Status\")"`
			} `graphql:"projectV2(number: $number)"`
		} `graphql:"organization(login: $login)"`
	}
	vars := map[string]any{"login": githubv4.String("acme"), "number": githubv4.Int(p.Number)}
	// Not a member yet: GitHub answers NOT_FOUND rather than revealing it.
	if err := s.client("t").Query(context.Background(), &q, vars); !errors.Is(err, ghclient.ErrNotFound) {
		t.Fatalf("non-member: err = %v, want ErrNotFound", err)
	}
	s.world.AddMember(org, octo)
	if err := s.client("t").Query(context.Background(), &q, vars); err != nil {
		t.Fatalf("member: %v", err)
	}
	if q.Organization.ProjectV2.Title != "acme roadmap" || len(q.Organization.ProjectV2.Status.SingleSelect.Options) != 3 {
		t.Errorf("got %+v, want acme roadmap with GitHub's three default Status options", q.Organization.ProjectV2)
	}
	if err := s.client("ghp_outsider").Query(context.Background(), &q, vars); !errors.Is(err, ghclient.ErrNotFound) {
		t.Errorf("outsider: err = %v, want ErrNotFound", err)
	}
}

func TestGraphQLPrimaryLimit(t *testing.T) {
	s := newSim(t, ghsim.WithLimits(ghsim.Limits{Core: 5000, GraphQL: 2}))
	for i, wantErr := range []bool{false, false, true} {
		code, h, out := s.post(`{ viewer { login } }`, nil)
		_, hasErr := out["errors"]
		if code != http.StatusOK || hasErr != wantErr {
			t.Errorf("query %d: %d %v, want 200 with errors=%v", i+1, code, out, wantErr)
		}
		if wantErr {
			if e := firstError(t, out); e["type"] != "RATE_LIMITED" || h.Get("X-Ratelimit-Remaining") != "0" {
				t.Errorf("over the limit: %v, remaining %q; want RATE_LIMITED and 0", e, h.Get("X-Ratelimit-Remaining"))
			}
		}
	}
}

func TestUnsimulatedRouteSaysSo(t *testing.T) {
	s := newSim(t)
	req, _ := http.NewRequest(http.MethodGet, s.url+"/repos/octo/demo/releases", nil)
	req.Header.Set("Authorization", "token t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("a real GitHub route the simulator does not play: %d, want 501", resp.StatusCode)
	}
}

func TestBadTokenAndAnonymousGraphQL(t *testing.T) {
	s := newSim(t)
	s.world.DefaultLogin = "" // only known tokens authenticate
	code, _, _ := s.post(`{ viewer { login } }`, nil)
	if code != http.StatusUnauthorized {
		t.Errorf("unknown token: %d, want 401 Bad credentials", code)
	}
}

// TestDeleteComment: a comment's author, or someone with write access, may
// delete it; it is then gone from the issue, from GraphQL's comments and
// from a second delete; the scripted agent does not act on a dispatch
// deleted before it ran, as the inner workflow checks its comment first.
func TestDeleteComment(t *testing.T) {
	s := newSim(t)
	s.world.AddToken("ghp_mona", "mona")
	agent := ghsim.NewAgent(s.world, "@claude", "octo")
	ctx := context.Background()
	octo, mona := s.client("ghp_octo").REST, s.client("ghp_mona").REST
	mine, _, err := octo.Issues.CreateComment(ctx, "octo", "demo", 1, &github.IssueComment{Body: github.String("@claude take this")})
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := mona.Issues.CreateComment(ctx, "octo", "demo", 1, &github.IssueComment{Body: github.String("me too")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mona.Issues.DeleteComment(ctx, "octo", "demo", mine.GetID()); status(err) != http.StatusForbidden {
		t.Errorf("mona (read) deletes octo's comment: %v, want 403", err)
	}
	for _, id := range []int64{mine.GetID(), theirs.GetID()} {
		if resp, err := octo.Issues.DeleteComment(ctx, "octo", "demo", id); err != nil || resp.StatusCode != http.StatusNoContent {
			t.Errorf("octo deletes comment %d: %v, want 204", id, err)
		}
	}
	if _, err := octo.Issues.DeleteComment(ctx, "octo", "demo", mine.GetID()); status(err) != http.StatusNotFound {
		t.Errorf("a second delete: %v, want 404", err)
	}
	var q struct {
		Repository struct {
			Issue struct {
				Comments struct {
					TotalCount int `graphql:"totalCount"`
				} `graphql:"comments(first: 10)"`
			} `graphql:"issue(number: 1)"`
		} `graphql:"repository(owner: \"octo\", name: \"demo\")"`
	}
	if err := s.client("ghp_octo").Query(ctx, &q, nil); err != nil {
		t.Fatal(err)
	}
	if n := q.Repository.Issue.Comments.TotalCount; n != 0 {
		t.Errorf("GraphQL counts %d comments, want 0", n)
	}
	if ran, err := agent.Work(); err != nil || ran != 0 {
		t.Errorf("the agent ran %d times (%v) on a deleted dispatch, want 0", ran, err)
	}
}

func status(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}
