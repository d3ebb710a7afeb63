package gqlengine

import (
	"bytes"
	"context"
	"encoding/json"

	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/shurcooL/githubv4"

	"github.com/nanobots-dev/nanobots/internal/golden"
)

// wireServer serves Execute over HTTP the way the simulator will, and
// records every request body exactly as the client sent it.
type wireServer struct {
	t      *testing.T
	schema *Schema
	fake   *fakeGitHub

	mu     sync.Mutex
	bodies []json.RawMessage
}

func (w *wireServer) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	w.bodies = append(w.bodies, body)
	w.mu.Unlock()
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	out, err := w.schema.Execute(r.Context(), req, w.fake.roots()).MarshalJSON()
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Write(out)
}

// itemsPage is the board query of the research report (§1.3) as nanobots
// writes it for githubv4: every field with "V2" in its name is tagged,
// and Issue.state and PullRequest.state are aliased.
type itemsPage struct {
	User struct {
		ProjectV2 struct {
			ID     string
			Title  string
			Fields struct {
				Nodes []struct {
					SingleSelect struct {
						ID      string
						Name    string
						Options []struct {
							ID   string
							Name string
						}
					} `graphql:"... on ProjectV2SingleSelectField"`
					Common struct {
						ID       string
						Name     string
						DataType string
					} `graphql:"... on ProjectV2FieldCommon"`
				}
			} `graphql:"fields(first: 50)"`
			Items struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []struct {
					ID          string
					IsArchived  bool
					Type        string
					FieldValues struct {
						Nodes []struct {
							SingleSelect struct {
								Name     string
								OptionID string `graphql:"optionId"`
								Field    struct {
									Common struct {
										ID   string
										Name string
									} `graphql:"... on ProjectV2FieldCommon"`
								}
							} `graphql:"... on ProjectV2ItemFieldSingleSelectValue"`
							Text struct {
								Text string
							} `graphql:"... on ProjectV2ItemFieldTextValue"`
						}
					} `graphql:"fieldValues(first: 20)"`
					Content struct {
						Issue struct {
							ID         string
							Number     int
							Title      string
							IssueState string `graphql:"issueState: state"`
							Repository struct {
								NameWithOwner string
							}
							Labels struct {
								Nodes []struct {
									Name string
								}
							} `graphql:"labels(first: 20)"`
						} `graphql:"... on Issue"`
						PullRequest struct {
							ID      string
							Number  int
							PRState string `graphql:"prState: state"`
						} `graphql:"... on PullRequest"`
					}
				}
			} `graphql:"items(first: 100, after: $cursor)"`
		} `graphql:"projectV2(number: $number)"`
	} `graphql:"user(login: $login)"`
	RateLimit struct {
		Cost      int
		Limit     int
		Remaining int
		NodeCount int
		ResetAt   githubv4.DateTime
	}
}

type setStatus struct {
	UpdateProjectV2ItemFieldValue struct {
		ProjectV2Item struct {
			ID string
		} `graphql:"projectV2Item"`
	} `graphql:"updateProjectV2ItemFieldValue(input: $input)"`
}

// TestGithubv4WireText sends real githubv4 requests through Execute, so we
// know githubv4's exact wire text validates against GitHub's schema and
// decodes back. The recorded bodies are kept in testdata (go test -update
// rewrites them).
func TestGithubv4WireText(t *testing.T) {
	s := githubSchema(t)
	ws := &wireServer{t: t, schema: s, fake: newFake(150)}
	srv := httptest.NewServer(ws)
	defer srv.Close()
	client := githubv4.NewEnterpriseClient(srv.URL, srv.Client())
	ctx := context.Background()

	var q itemsPage
	vars := map[string]any{
		"login":  githubv4.String("octocat"),
		"number": githubv4.Int(5),
		"cursor": (*githubv4.String)(nil),
	}
	var ids []string
	for range 3 {
		if err := client.Query(ctx, &q, vars); err != nil {
			t.Fatalf("items page: %v", err)
		}
		for _, n := range q.User.ProjectV2.Items.Nodes {
			ids = append(ids, n.ID)
		}
		if !q.User.ProjectV2.Items.PageInfo.HasNextPage {
			break
		}
		vars["cursor"] = githubv4.NewString(githubv4.String(q.User.ProjectV2.Items.PageInfo.EndCursor))
	}
	if len(ids) != 150 {
		t.Errorf("read %d items over the pages, want 150", len(ids))
	}
	first := q.User.ProjectV2.Items.Nodes[0]
	if first.Content.Issue.IssueState != "OPEN" || first.Content.Issue.Repository.NameWithOwner != "octo/repo" ||
		first.FieldValues.Nodes[0].SingleSelect.Field.Common.Name != "Status" {
		t.Errorf("decoded item: %+v", first)
	}
	if q.RateLimit.Cost != 2 || q.RateLimit.NodeCount != 4150 {
		t.Errorf("rateLimit: got cost %d nodes %d, want 2 and 4150", q.RateLimit.Cost, q.RateLimit.NodeCount)
	}
	if q.User.ProjectV2.Fields.Nodes[0].SingleSelect.Options[0].ID != "47fc9ee4" {
		t.Errorf("decoded fields: %+v", q.User.ProjectV2.Fields.Nodes)
	}

	var m setStatus
	input := githubv4.UpdateProjectV2ItemFieldValueInput{
		ProjectID: "PVT_5", ItemID: "PVTI_1", FieldID: "PVTSSF_status",
		Value: githubv4.ProjectV2FieldValue{SingleSelectOptionID: githubv4.NewString("98236657")},
	}
	if err := client.Mutate(ctx, &m, input, nil); err != nil {
		t.Fatalf("set status: %v", err)
	}
	if m.UpdateProjectV2ItemFieldValue.ProjectV2Item.ID != "PVTI_1" {
		t.Errorf("mutation result: %+v", m)
	}

	// The mistake the research report warns about: without a tag,
	// githubv4 asks for projectV2item, and GitHub says no.
	var untagged struct {
		UpdateProjectV2ItemFieldValue struct {
			ProjectV2Item struct{ ID string }
		} `graphql:"updateProjectV2ItemFieldValue(input: $input)"`
	}
	err := client.Mutate(ctx, &untagged, input, nil)
	if err == nil || err.Error() != "Field 'projectV2item' doesn't exist on type 'UpdateProjectV2ItemFieldValuePayload'" {
		t.Errorf("untagged mutation: got %v", err)
	}

	checkGolden(t, filepath.Join("testdata", "githubv4-wire.jsonl"), ws.bodies)
}

// checkGolden compares request bodies, one JSON document a line, with a
// golden file, or rewrites it under -update.
func checkGolden(t *testing.T, path string, bodies []json.RawMessage) {
	t.Helper()
	var got bytes.Buffer
	for _, b := range bodies {
		got.Write(bytes.TrimSpace(b))
		got.WriteByte('\n')
	}
	golden.File(t, path, got.Bytes())
}
