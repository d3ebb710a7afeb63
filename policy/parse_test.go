package policy

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// -update is accepted so `go test ./... -update` (which refreshes golden
// files elsewhere) runs here too; this package has no golden files.
var _ = flag.Bool("update", false, "unused: this package has no golden files")

const valid = `{
  "version": 1,
  "project": {"owner": "acme", "owner_type": "organization", "number": 7},
  "repo": "acme/widgets",
  "dispatcher": "ada-bot"
}`

func TestParseDefaults(t *testing.T) {
	got, err := Parse("config.json", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Project = Project{Owner: "acme", OwnerType: "organization", Number: 7}
	want.Repo = "acme/widgets"
	want.Dispatcher = "ada-bot"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("absent keys do not take their defaults (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{
			name: "unknown key with a near miss",
			src: strings.Replace(valid, `"repo"`, `"wip_limt": 2,
  "repo"`, 1),
			want: []string{`config.json:4:3: unknown key "wip_limt", did you mean "wip_limit"?`},
		},
		{
			name: "unknown nested key",
			src:  strings.Replace(valid, `"number": 7}`, `"number": 7, "colour": "red"}`, 1),
			want: []string{`config.json:3:75: unknown key "colour" in "project", remove it`},
		},
		{
			name: "wrong type",
			src:  strings.Replace(valid, `"number": 7`, `"number": "7"`, 1),
			want: []string{`config.json:3:62: project.number is a string, want a whole number`},
		},
		{
			name: "bad duration",
			src: strings.Replace(valid, `"repo"`, `"stale_timeout": "3 hours",
  "repo"`, 1),
			want: []string{`config.json:4:3: stale_timeout: want a duration string such as "3h" or "45m"`},
		},
		{
			name: "syntax",
			src:  strings.Replace(valid, `"repo": "acme/widgets",`, `"repo": "acme/widgets"`, 1),
			want: []string{`config.json:5:3: invalid character '"' after object key:value pair, fix the JSON syntax`},
		},
		{
			// Inside a value: a Decoder counts offsets from its buffer,
			// which put this at column 2 of the wrong line.
			name: "syntax inside a value",
			src:  strings.Replace(valid, `"repo": "acme/widgets",`, `"repo": acme,`, 1),
			want: []string{`config.json:4:11: invalid character 'a' looking for beginning of value`},
		},
		{
			name: "not an object",
			src:  "[]",
			want: []string{`config.json:1:1: the file is an array, want an object`},
		},
		{
			name: "two values",
			src:  valid + "\n{}",
			want: []string{`config.json:7:1: a second JSON value after the object`},
		},
		{
			name: "list of strings",
			src: strings.Replace(valid, `"repo"`, `"maintainers": "ada",
  "repo"`, 1),
			want: []string{`config.json:4:3: maintainers is a string, want a list of strings`},
		},
		{
			name: "truncated",
			src:  valid[:40],
			want: []string{`config.json:3:23: unexpected end of file`},
		},
		{
			name: "invalid values, all reported",
			src: `{
  "project": {"owner": "-acme", "number": 0},
  "repo": "acme",
  "dispatcher": "ada bot",
  "schedule": "0 * * * *",
  "wip_limit": 0
}`,
			want: []string{
				`config.json:2:15: project.owner: login "-acme" starts or ends with a hyphen, set it to the login that owns the board`,
				`config.json:2:33: project.number: project number 0 is not a positive whole number`,
				`config.json:3:3: repo: repository "acme" is not owner/name`,
				`config.json:4:3: dispatcher: login "ada bot" has ' '`,
				`config.json:5:3: schedule: schedule "0 * * * *" fires at minute 0`,
				`config.json:6:3: wip_limit is 0, want a whole number of at least 1`,
			},
		},
		{
			name: "labels GitHub takes for one another",
			src: strings.Replace(valid, `"repo"`, `"labels": {"inbox": "Summon-Human", "summon_human": "summon-human"},
  "repo"`, 1),
			want: []string{`config.json:4:39: labels.summon_human is "summon-human" and labels.inbox is "Summon-Human", one label to GitHub (it ignores case), give each its own name`},
		},
		{
			name: "a label the loop uses for its own issues",
			src: strings.Replace(valid, `"repo"`, `"labels": {"inbox": "nanobots:Status"},
  "repo"`, 1),
			want: []string{`config.json:4:14: labels.inbox is "nanobots:Status", a label the loop gives its own issues, give it another name`},
		},
		{
			name: "missing keys point at the object",
			src:  `{"project": {"owner": "acme", "number": 1}}`,
			want: []string{
				`config.json:1:1: "repo" is missing or empty, set it to "owner/name"`,
				`config.json:1:1: "dispatcher" is missing or empty`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config.json", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, w)
				}
			}
		})
	}
}

func TestCheckSchedule(t *testing.T) {
	for _, tc := range []struct {
		cron string
		ok   bool
	}{
		{"17,47 * * * *", true},
		{"7 */2 * * 1-5", true},
		{"3-59/5 * * * *", true},
		{"*/5 * * * *", false},  // minute 0
		{"1-59 * * * *", false}, // every minute
		{"@hourly", false},      // GitHub has no shortcuts
		{"17 * * *", false},     // four fields
		{"61 * * * *", false},   // no such minute
		{"17 * 31 2 *", false},  // never fires
		{"17 25 * * *", false},  // no such hour
		{"17 9 * * MON", true},
	} {
		err := CheckSchedule(tc.cron)
		if (err == nil) != tc.ok {
			t.Errorf("CheckSchedule(%q) = %v, want ok = %v", tc.cron, err, tc.ok)
		}
	}
}

func TestCheckLogin(t *testing.T) {
	for s, ok := range map[string]bool{
		"ada": true, "ada-bot": true, "A1": true, strings.Repeat("a", 39): true,
		"": false, "-ada": false, "ada-": false, "a--b": false, "ada_bot": false, "ada bot": false, strings.Repeat("a", 40): false,
	} {
		if err := CheckLogin(s); (err == nil) != ok {
			t.Errorf("CheckLogin(%q) = %v, want ok = %v", s, err, ok)
		}
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Hour: "3h", 90 * time.Minute: "1h30m", 45 * time.Minute: "45m", 30 * time.Second: "30s", 0: "0s",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
	}
}
