package outerloop_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
	"github.com/nanobots-dev/nanobots/outerloop"
)

// fillDone puts n closed issues on the board in Done, a month before the
// benchmark's cycles: the history an old board carries.
func fillDone(b testing.TB, h *harness, n int) {
	b.Helper()
	p, octo := h.world.Project("octo", 1), h.world.User("octo")
	for i := 0; i < n; i++ {
		is := h.world.CreateIssue(h.repo, octo, fmt.Sprintf("old work %d", i), "", "nanobots:inbox")
		it, err := h.world.AddItem(p, is)
		if err != nil {
			b.Fatal(err)
		}
		if err := h.world.SetOption(it, "Status", "Done"); err != nil {
			b.Fatal(err)
		}
		h.world.CloseIssue(is, "completed")
	}
	h.clock.Advance(30 * 24 * time.Hour)
}

// report records what the simulator counted for the last b.N cycles.
func report(b *testing.B, h *harness) {
	tot := h.srv.Log.Totals()
	n := float64(b.N)
	b.ReportMetric(float64(tot.Requests)/n, "requests/op")
	b.ReportMetric(float64(tot.GraphQLPoints)/n, "points/op")
	b.ReportMetric(float64(tot.Writes)/n, "writes/op")
	b.ReportMetric(float64(tot.Bytes)/n, "resp-bytes/op")
}

// BenchmarkIdleCycle is a cycle with nothing to do on boards of history:
// the floor is one GraphQL page per 100 items, and it writes nothing.
func BenchmarkIdleCycle(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			h := newHarness(b, nil)
			fillDone(b, h, n)
			opts := outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now}
			if _, err := outerloop.Run(context.Background(), opts); err != nil {
				b.Fatal(err) // the first cycle creates the status issue
			}
			h.srv.Log.Reset()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := outerloop.Run(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			report(b, h)
		})
	}
}

// BenchmarkBusyCycle is a cycle that takes K new issues in and triages them:
// K transitions, each several writes. It counts GitHub's limit of 80
// content-creating requests a minute per request: under the stricter
// reading, per aliased mutation, a burst of 20 stops part-way at the
// secondary limit, which the loop does not yet spread over cycles (issue
// 14); this measures what a cycle costs, not that.
func BenchmarkBusyCycle(b *testing.B) {
	for _, k := range []int{1, 5, 20} {
		b.Run(fmt.Sprintf("transitions=%d", k), func(b *testing.B) {
			var requests, writes, points int
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				limits := ghsim.DefaultLimits
				limits.ContentPerMutation = false
				h := newHarness(b, nil, simtest.WithServer(ghsim.WithLimits(limits)))
				for j := 0; j < k; j++ {
					h.file("feature", fmt.Sprintf("feature %d", j), map[string]string{
						"kind": "feature", "area": "interface", "problem": "p", "acceptance": "- [ ] a", "size_hint": "S",
					})
				}
				h.srv.Log.Reset()
				b.StartTimer()
				if _, err := outerloop.Run(context.Background(), outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now}); err != nil {
					b.Fatal(err)
				}
				tot := h.srv.Log.Totals()
				requests, writes, points = requests+tot.Requests, writes+tot.Writes, points+tot.GraphQLPoints
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(float64(writes)/float64(b.N), "writes/op")
			b.ReportMetric(float64(points)/float64(b.N), "points/op")
		})
	}
}

// TestIdleCycleCost holds an idle cycle to GitHub's floor: one GraphQL page
// per 100 board items, at most one request more, and no writes.
func TestIdleCycleCost(t *testing.T) {
	for _, n := range []int{0, 100, 250, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			h := newHarness(t, nil)
			fillDone(t, h, n)
			opts := outerloop.Options{Dir: h.dir, Settings: h.settings(), Now: h.clock.Now}
			if _, err := outerloop.Run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(30 * time.Minute)
			h.srv.Log.Reset()
			if _, err := outerloop.Run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			tot := h.srv.Log.Totals()
			floor := max((n+99)/100, 1)
			if tot.Requests > floor+1 || tot.Writes != 0 {
				t.Errorf("idle cycle on %d items: %d requests, %d writes; want at most %d and none", n, tot.Requests, tot.Writes, floor+1)
			}
		})
	}
}
