package setup

import (
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/gql"
)

func TestMergeOptionsKeepsAMaintainersPlaces(t *testing.T) {
	want := opts("Inbox", "Ready", "In Progress", "Done")
	for _, tc := range []struct{ have, merged string }{
		{"", "Inbox,Ready,In Progress,Done"},
		{"Todo,In Progress,Done", "Todo,Inbox,Ready,In Progress,Done"},
		{"In Progress,Waiting,Done,Archive", "Inbox,Ready,In Progress,Waiting,Done,Archive"},
		{"Done,Inbox", "Inbox,Ready,In Progress,Done"},
	} {
		have := opts(strings.Split(tc.have, ",")...)
		if tc.have == "" {
			have = nil
		}
		if got := names(mergeOptions(have, want)); strings.ReplaceAll(got, ", ", ",") != tc.merged {
			t.Errorf("merge %q: got %q, want %q", tc.have, got, tc.merged)
		}
	}
	have := []gql.Option{{ID: "1", Name: "Done", Color: "GRAY", Description: "mine"}}
	merged := mergeOptions(have, []gql.Option{{Name: "Done", Color: "PURPLE", Description: "theirs"}})
	if merged[0].Color != "GRAY" || merged[0].Description != "mine" {
		t.Errorf("an existing option lost its colour or description: %+v", merged[0])
	}
}

func opts(names ...string) []gql.Option {
	var out []gql.Option
	for _, n := range names {
		out = append(out, gql.Option{Name: n, Color: "GRAY"})
	}
	return out
}

func TestScopesCheck(t *testing.T) {
	public, private := &gql.SetupRepo{}, &gql.SetupRepo{Private: true}
	for _, tc := range []struct {
		name      string
		who       identity
		ownerType string
		repo      *gql.SetupRepo
		result    Verdict
		want      string
	}{
		{"classic, enough", identity{Classic: true, Scopes: []string{"project", "repo"}}, "user", private, Pass, "has project, repo"},
		{"public_repo on a public repository", identity{Classic: true, Scopes: []string{"project", "public_repo"}}, "user", public, Pass, ""},
		{"public_repo on a private repository", identity{Classic: true, Scopes: []string{"project", "public_repo"}}, "user", private, Fail, "lacks repo"},
		{"read:project only", identity{Classic: true, Scopes: []string{"read:project", "repo"}}, "organization", public, Fail, "lacks project"},
		{"no scopes at all", identity{Classic: true}, "user", nil, Fail, "has none; it lacks project and public_repo"},
		{"fine-grained, user board", identity{}, "user", public, Fail, "cannot reach a user's board"},
		{"fine-grained, organization board", identity{}, "organization", public, Warn, "fine-grained"},
	} {
		res, detail, _ := scopesCheck(tc.who, tc.ownerType, tc.repo)
		if res != tc.result || !strings.Contains(detail, tc.want) {
			t.Errorf("%s: %s %q, want %s and %q", tc.name, res, detail, tc.result, tc.want)
		}
	}
}

func TestCyclesPerHour(t *testing.T) {
	for schedule, want := range map[string]int{
		"17,47 * * * *":   2,
		"*/15 * * * *":    4,
		"7 */2 * * 1-5":   1,
		"5-55/10 9 * * *": 6,
		"not cron":        1,
	} {
		if got := cyclesPerHour(schedule); got != want {
			t.Errorf("%q: %d, want %d", schedule, got, want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for api, want := range map[string]string{
		"https://api.github.com":         "https://github.com/settings/tokens",
		"https://ghe.example.com/api/v3": "https://ghe.example.com/settings/tokens",
		"http://127.0.0.1:8080":          "http://127.0.0.1:8080/settings/tokens",
	} {
		if got := webURL(api, "/settings/tokens"); got != want {
			t.Errorf("%s: %s, want %s", api, got, want)
		}
	}
	if got := tokenURL("https://api.github.com", true); got != "https://github.com/settings/tokens/new?scopes=project,repo&description=nanobots" {
		t.Errorf("token URL %s", got)
	}
}
