package outerloop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/internal/ghsim"
	"github.com/nanobots-dev/nanobots/internal/ghsim/simtest"
	"github.com/nanobots-dev/nanobots/outerloop"
)

// The tokens the secrets tests look for: long and unlike anything else.
const (
	secretPAT = "ghp_SECRETdispatch7Qx2Lm9Vb4Nc8Rt1Yw6Zp3Kd"
	secretBot = "ghs_SECRETactions5Hj8Gf2Ds7Aq4We1Rt9Yu6Io"
)

// wire keeps every request the simulator receives, except the
// Authorization header, where the token belongs.
type wire struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *wire) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		w.mu.Lock()
		fmt.Fprintf(&w.buf, "%s %s\n", r.Method, r.URL.String())
		for k, vs := range r.Header {
			if k != "Authorization" {
				fmt.Fprintf(&w.buf, "%s: %s\n", k, strings.Join(vs, ", "))
			}
		}
		w.buf.Write(body)
		w.buf.WriteString("\n")
		w.mu.Unlock()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		w.mu.Lock()
		for k, vs := range rec.Header() {
			fmt.Fprintf(&w.buf, "%s: %s\n", k, strings.Join(vs, ", "))
		}
		w.buf.Write(rec.Body.Bytes())
		w.mu.Unlock()
		for k, vs := range rec.Header() {
			rw.Header()[k] = vs
		}
		rw.WriteHeader(rec.Code)
		rw.Write(rec.Body.Bytes())
	})
}

// worldText is every text the world holds: titles, bodies, comments, files
// on every branch and commit messages.
func worldText(h *harness) string {
	w := h.world
	w.Lock()
	defer w.Unlock()
	var b strings.Builder
	for _, is := range h.repo.Issues {
		fmt.Fprintf(&b, "%s\n%s\n", is.Title, is.Body)
		for _, c := range is.Comments {
			b.WriteString(c.Body + "\n")
		}
	}
	for _, c := range h.repo.Commits {
		b.WriteString(c.Message + "\n")
		for path, f := range c.Files {
			fmt.Fprintf(&b, "%s\n%s\n", path, f.Content)
		}
	}
	return b.String()
}

// TestSecretsStayOut runs cycles of every kind, with distinct tokens: the
// story with the agent, dry runs, a cycle stopped by a fault, one refused
// for a token that is not the dispatcher's, one with the two tokens the same,
// one with a token GitHub does not know. Neither token may appear in the
// cycles' errors, their text, JSON or job summary, anything written to
// GitHub, the request log, or any request or answer outside its
// Authorization header.
func TestSecretsStayOut(t *testing.T) {
	s := newScenario(t)
	h := s.h
	h.world.AddToken(secretPAT, "octo", "repo", "project")
	h.world.AddToken(secretBot, ghsim.ActionsBot)
	h.world.DefaultLogin = "" // an unknown token is refused, as on GitHub
	var wr wire
	sim := simtest.Start(t, h.world, simtest.WithWrap(wr.wrap))
	set := sim.Settings("octo/demo", secretBot, secretPAT)

	var out bytes.Buffer
	cycle := func(name string, set ghclient.Settings, dryRun bool) {
		res, err := outerloop.Run(context.Background(), outerloop.Options{Dir: h.dir, Settings: set, DryRun: dryRun, Now: h.clock.Now,
			RunURL:        "https://github.com/octo/demo/actions/runs/1",
			ClientOptions: []ghclient.Option{ghclient.WithClock(h.clock.Now, func(context.Context, time.Duration) error { return nil })}})
		fmt.Fprintf(&out, "== %s\nerror: %v\n%+v\n", name, err, err)
		if res == nil {
			return
		}
		res.WriteText(&out)
		res.WriteSummary(&out)
		if err := json.NewEncoder(&out).Encode(res); err != nil {
			t.Fatal(err)
		}
		if st := res.Status("https://github.com/octo/demo/actions/runs/1"); st != nil {
			st.WriteText(&out)
			out.WriteString(st.Markdown())
		}
	}
	for i := range scenarioSteps {
		s.people(t, i)
		cycle(fmt.Sprintf("dry run %d", i), set, true)
		if i == 2 {
			sim.Inject(ghsim.Fault{Route: "graphql:addComment", Status: http.StatusInternalServerError})
		}
		cycle(fmt.Sprintf("cycle %d", i), set, false)
		sim.ClearFaults()
		if _, err := s.agent.Work(); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(30 * time.Minute)
	}
	same := set
	same.Token = secretPAT
	cycle("the same token twice", same, false)
	unknown := set
	unknown.DispatchToken = secretPAT + "x"
	cycle("a token GitHub does not know", unknown, false)
	h.world.AddToken(secretPAT+"mona", "mona", "repo", "project")
	other := set
	other.DispatchToken = secretPAT + "mona"
	cycle("someone else's token", other, false)
	if !strings.Contains(out.String(), "NOT_FOUND") || !strings.Contains(out.String(), "Bad credentials") || !strings.Contains(out.String(), "hold the same token") {
		t.Fatalf("the refused cycles did not fail as planned:\n%s", out.String()[max(0, out.Len()-3000):])
	}

	log, err := json.Marshal(sim.Log.Entries())
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{
		"the cycles' errors, text, JSON, job summaries and status reports": out.String(),
		"what the cycles wrote to GitHub":                                  worldText(h),
		"the request log":                                                  string(log),
		"the requests and answers, but for their Authorization headers":    wr.buf.String(),
	} {
		for _, tok := range []string{secretPAT, secretBot, secretPAT[4:20], secretBot[4:20]} {
			if i := strings.Index(text, tok); i >= 0 {
				t.Errorf("%s hold a token: …%s…", what, text[max(i-80, 0):min(i+80, len(text))])
			}
		}
	}
	if !strings.Contains(wr.buf.String(), "POST /graphql") || !strings.Contains(string(log), `"route":"graphql"`) {
		t.Errorf("the requests were not recorded: the test greps too little")
	}
	if !strings.Contains(worldText(h), "nanobots:done") {
		t.Errorf("the story did not reach Done: the test greps too little")
	}
}
