package ledger_test

import (
	"maps"
	"testing"

	"github.com/nanobots-dev/nanobots/ledger"
)

// FuzzParseMarkers checks ParseMarkers on any text: it never panics,
// finds at most 50 markers, and every marker it finds formats, with
// Marker.String, to text that parses back to that same marker alone. Its
// seeds are the f.Add calls below and testdata/fuzz/FuzzParseMarkers/.
//
//	go test ./ledger -run '^$' -fuzz '^FuzzParseMarkers$' -fuzztime 60s
func FuzzParseMarkers(f *testing.F) {
	for _, s := range []string{
		"",
		"<!-- nanobots:dispatch attempt=2 issue=12 -->",
		"@claude please implement #12\n\n<!-- nanobots:dispatch attempt=1 issue=12 -->\n",
		"<!-- nanobots:triage issue=3 outcome=ready rev=1 -->\n## Work spec\n\n<!-- nanobots:done issue=3 pr=9 -->",
		"<!-- nanobots:status hash=3f2a9c1d8e7b6a50 written=2026-11-02T09:30:00Z -->",
		"<!-- nanobots:ask-pr attempt=1 branch=claude/issue-7-20261102-0930 issue=7 -->",
		"<!-- nanobots:learned issue=5 pr=8 -->\n<!-- nanobots:distill entries=20 new=10 -->",
		"<!-- nanobots:needed issue=4 -->\n<!-- nanobots:needed issue=4 -->",
		"<!-- nanobots:dispatch attempt=1 attempt=2 issue=3 -->",
		"<!-- nanobots:x a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 -->",
		"<!-- nanobots:x a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 -->",
		"<!-- nanobots:dispatch attempt=1 --> --> <!-- nanobots:",
		"&lt;!-- nanobots:dispatch attempt=1 issue=1 -->",
		"<!--nanobots:dispatch attempt=1-->",
		"<!-- NANOBOTS:DISPATCH ATTEMPT=1 -->",
		"<!-- nanobots:dispatch attempt=1\u200b issue=1 -->",
		"<!-- nanobots:dispatch attempt=<script> -->",
		"<!-- nanobots:dispatch  attempt=1 -->",
		"\x00<!-- nanobots:a b=\xff -->",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms := ledger.ParseMarkers(text)
		if len(ms) > 50 {
			t.Fatalf("%d markers, want at most 50", len(ms))
		}
		for _, m := range ms {
			if m.Kind == "" {
				t.Fatalf("a marker without a kind: %+v", m)
			}
			again := ledger.ParseMarkers(m.String())
			if len(again) != 1 || again[0].Kind != m.Kind || !maps.Equal(again[0].Fields, m.Fields) {
				t.Fatalf("marker %+v formats to %q, which parses to %+v", m, m.String(), again)
			}
		}
	})
}
