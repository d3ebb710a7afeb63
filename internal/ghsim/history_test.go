package ghsim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

// boardPageQuery is a 100-item board page as the loop reads it.
const boardPageQuery = `query($cursor:String){user(login:"octo"){projectV2(number:1){items(first:100,after:$cursor){
 totalCount,pageInfo{hasNextPage,endCursor},nodes{id,fieldValues(first:20){nodes{... on ProjectV2ItemFieldSingleSelectValue{name}}},
 content{... on Issue{number,state,closedAt,updatedAt}}}}}}}`

// historyServer is the demo world with h seeded, served without a network
// and without limits that a benchmark would run into.
func historyServer(tb testing.TB, h ghsim.History) (*ghsim.Server, *ghsim.World) {
	tb.Helper()
	w := ghsim.Demo(ghsim.NewClock(epoch).Now)
	w.Lock()
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	w.Unlock()
	if err := w.SeedHistory(p, r, h); err != nil {
		tb.Fatal(err)
	}
	srv, err := ghsim.New(w, ghsim.WithLimits(ghsim.Limits{Core: 1 << 30, GraphQL: 1 << 30}))
	if err != nil {
		tb.Fatal(err)
	}
	return srv, w
}

// page posts one board page straight to the handler.
func page(tb testing.TB, srv http.Handler, cursor any) map[string]any {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": boardPageQuery, "variables": map[string]any{"cursor": cursor}})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "bearer anything")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out["errors"] != nil {
		tb.Fatalf("page after %v: %s", cursor, rec.Body.Bytes())
	}
	return out["data"].(map[string]any)["user"].(map[string]any)["projectV2"].(map[string]any)["items"].(map[string]any)
}

func TestSeedHistory(t *testing.T) {
	srv, w := historyServer(t, ghsim.History{Done: 250, Backlog: 30, Labels: []string{"nanobots:inbox"}})
	now := w.Now()
	var cursor any
	var done, backlog, pages int
	for {
		items := page(t, srv, cursor)
		pages++
		for _, n := range items["nodes"].([]any) {
			n := n.(map[string]any)
			var status any
			for _, v := range n["fieldValues"].(map[string]any)["nodes"].([]any) {
				if name, ok := v.(map[string]any)["name"]; ok {
					status = name
				}
			}
			content := n["content"].(map[string]any)
			switch status {
			case "Done":
				done++
				closed, _ := time.Parse(time.RFC3339, content["closedAt"].(string))
				updated, _ := time.Parse(time.RFC3339, content["updatedAt"].(string))
				if content["state"] != "CLOSED" || now.Sub(closed) < 30*24*time.Hour || now.Sub(updated) < 30*24*time.Hour {
					t.Fatalf("Done item %v: want closed and updated at least 30 days before %v", content, now)
				}
			case "Backlog":
				backlog++
				if content["state"] != "OPEN" {
					t.Fatalf("Backlog item %v is not open", content)
				}
			default:
				t.Fatalf("item in %v, want Done or Backlog", status)
			}
		}
		info := items["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			break
		}
		cursor = info["endCursor"]
	}
	if done != 250 || backlog != 30 || pages != 3 {
		t.Fatalf("%d Done and %d Backlog over %d pages, want 250, 30 and 3", done, backlog, pages)
	}
}

func TestSeedHistoryKeepsTheItemLimit(t *testing.T) {
	w := ghsim.Demo(nil)
	p, r := w.Project("octo", 1), w.Repo("octo/demo")
	if err := w.SeedHistory(p, r, ghsim.History{Done: ghsim.MaxItems, Backlog: 1}); err == nil {
		t.Fatalf("seeding %d items passed GitHub's limit of %d without an error", ghsim.MaxItems+1, ghsim.MaxItems)
	}
	if len(p.Items) != 0 {
		t.Fatalf("a refused seed left %d items", len(p.Items))
	}
}

// BenchmarkSeedHistory50k seeds the largest board GitHub allows.
func BenchmarkSeedHistory50k(b *testing.B) {
	for b.Loop() {
		w := ghsim.Demo(nil)
		if err := w.SeedHistory(w.Project("octo", 1), w.Repo("octo/demo"), ghsim.History{Done: 49_900, Backlog: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBoardPage50k reads the last 100-item page of a 50,000-item board:
// its cost must not depend on the board's size.
func BenchmarkBoardPage50k(b *testing.B) {
	srv, _ := historyServer(b, ghsim.History{Done: 49_900, Backlog: 100})
	cursor := base64.StdEncoding.EncodeToString([]byte("cursor:v2:49900"))
	b.ReportAllocs()
	for b.Loop() {
		page(b, srv, cursor)
	}
}

// BenchmarkBoardWalk50k reads a 50,000-item board from the first page to
// the last, 500 pages.
func BenchmarkBoardWalk50k(b *testing.B) {
	srv, _ := historyServer(b, ghsim.History{Done: 49_900, Backlog: 100})
	b.ReportAllocs()
	for b.Loop() {
		var cursor any
		for {
			items := page(b, srv, cursor)
			info := items["pageInfo"].(map[string]any)
			if info["hasNextPage"] != true {
				break
			}
			cursor = info["endCursor"]
		}
	}
}

// BenchmarkBoardPage1k is BenchmarkBoardPage50k's last page on a board of
// 1,000 items: the two must cost the same.
func BenchmarkBoardPage1k(b *testing.B) {
	srv, _ := historyServer(b, ghsim.History{Done: 900, Backlog: 100})
	cursor := base64.StdEncoding.EncodeToString([]byte("cursor:v2:900"))
	b.ReportAllocs()
	for b.Loop() {
		page(b, srv, cursor)
	}
}
