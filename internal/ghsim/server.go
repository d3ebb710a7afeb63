// Package ghsim is a GitHub simulator: an HTTP server over an in-memory
// GitHub (users, repositories, issues, pull requests, CI, Projects v2) that
// answers REST at / and GraphQL at /graphql the way api.github.com does.
//
// It holds nanobots to GitHub's published API: every REST request is checked
// against GitHub's OpenAPI description and every GraphQL document against
// GitHub's schema (see restspec and gqlengine), and it keeps GitHub's limits.
// It must never accept what GitHub would refuse; where the published
// descriptions and GitHub's behaviour differ, restspec's deviations.go is the
// one place that says so. It is imported by tests and by the sim and demo
// commands, never by the loop itself.
package ghsim

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Server answers GitHub's REST and GraphQL APIs from a World.
type Server struct {
	World *World
	// Log records every request answered.
	Log RequestLog

	faults faults
	lim    *limiter
	api    *apis
}

// Option configures a Server.
type Option func(*Server)

// WithLimits replaces GitHub's default rate limits.
func WithLimits(l Limits) Option { return func(s *Server) { s.lim = newLimiter(l) } }

// New returns a server for w. It loads GitHub's schema and OpenAPI
// description once per process (see scripts/fetch-schemas.sh).
func New(w *World, opts ...Option) (*Server, error) {
	a, err := loadAPIs()
	if err != nil {
		return nil, err
	}
	s := &Server{World: w, lim: newLimiter(DefaultLimits), api: a}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) { s.faults.add(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// Start serves on a loopback port until the returned function is called.
// It is how tests start a simulator.
func (s *Server) Start() (baseURL string, stop func()) {
	ts := httptest.NewServer(s)
	return ts.URL, ts.Close
}

// Serve serves on l until ctx ends.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(l); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

// maxBody is the largest request body accepted, well above GitHub's 65,536
// character limits on bodies so that the limit is the handlers' to enforce.
const maxBody = 8 << 20

// call is one request on its way through the server.
type call struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	body  []byte
	user  *User
	token *Token
	entry Entry
	// events are comments created while the world was locked; their hooks
	// run after it is unlocked.
	events []CommentEvent
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, w: w, r: r}
	c.entry = Entry{Time: s.World.Now(), Method: r.Method, Path: r.URL.Path}
	// The answer is held until the request is logged and its hooks have
	// run, so a client that has its answer also finds it in the log, and
	// the scripted agent has already seen the comment it created.
	rec := &recorder{header: w.Header()}
	c.w = rec
	defer func() {
		c.entry.Status, c.entry.Bytes = rec.status, rec.body.Len()
		if c.entry.Status == 0 {
			c.entry.Status = http.StatusOK
		}
		s.Log.add(c.entry)
		for _, ev := range c.events {
			s.World.fire(ev)
		}
		w.WriteHeader(c.entry.Status)
		w.Write(rec.body.Bytes())
	}()
	w.Header().Set("X-GitHub-Request-Id", fmt.Sprintf("SIM:%d", time.Now().UnixNano()))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		c.fail(http.StatusRequestEntityTooLarge, "Request body too large", "")
		return
	}
	c.body = body
	if !c.authenticate() {
		return
	}
	if r.URL.Path == "/graphql" && r.Method == http.MethodPost {
		c.entry.Route = "graphql"
		c.serveGraphQL()
		return
	}
	c.serveREST()
}

// authenticate resolves the token; a bad one is refused as GitHub does.
func (c *call) authenticate() bool {
	auth := c.r.Header.Get("Authorization")
	tok := ""
	if f := strings.Fields(auth); len(f) == 2 && (strings.EqualFold(f[0], "bearer") || strings.EqualFold(f[0], "token")) {
		tok = f[1]
	}
	if auth != "" && tok == "" {
		c.fail(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
		return false
	}
	if tok == "" {
		return true // anonymous: public reads only
	}
	c.s.World.mu.Lock()
	c.user, c.token = c.s.World.authenticate(tok)
	c.s.World.mu.Unlock()
	if c.user == nil {
		c.fail(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
		return false
	}
	c.entry.Login = c.user.Login
	if !c.token.App {
		// GitHub sends X-OAuth-Scopes for OAuth and classic tokens only.
		c.w.Header().Set("X-OAuth-Scopes", strings.Join(c.token.Scopes, ", "))
	}
	return true
}

func (c *call) login() string {
	if c.user == nil {
		return ""
	}
	return c.user.Login
}

// rateHeaders writes GitHub's x-ratelimit-* headers for a bucket.
func (c *call) rateHeaders(resource string, b bucket, limit int) {
	h := c.w.Header()
	h.Set("X-Ratelimit-Limit", strconv.Itoa(limit))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(max(limit-b.used, 0)))
	h.Set("X-Ratelimit-Used", strconv.Itoa(b.used))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-Ratelimit-Resource", resource)
}

// secondary applies GitHub's content-creation limit to a write.
func (c *call) secondary(graphql bool) bool {
	retry, ok := c.s.lim.content(c.login(), c.s.World.Now())
	if ok {
		return true
	}
	c.entry.Fault = "secondary-limit"
	c.w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.5)))
	msg := "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID."
	if graphql {
		writeJSON(c.w, http.StatusForbidden, map[string]any{"errors": []any{map[string]any{"type": "RATE_LIMITED", "message": msg}}})
		return false
	}
	writeJSON(c.w, http.StatusForbidden, map[string]any{
		"message": msg, "status": "403",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
	})
	return false
}

// fault applies an injected fault that fires before the request is carried
// out. It reports whether it answered.
func (c *call) fault(ft *Fault) bool {
	if ft == nil {
		return false
	}
	if ft.Latency > 0 {
		select {
		case <-time.After(ft.Latency):
		case <-c.r.Context().Done():
		}
	}
	if ft.After || (ft.Status == 0 && !ft.Secondary && ft.GraphQLType == "" && ft.Body == "") {
		return false // latency only, or a fault that fires after the work
	}
	c.entry.Fault = faultName(ft)
	ft.write(c.w, c.entry.Route == "graphql")
	return true
}

func faultName(ft *Fault) string {
	if ft.Name != "" {
		return ft.Name
	}
	switch {
	case ft.Secondary:
		return "secondary"
	case ft.GraphQLType != "":
		return ft.GraphQLType
	}
	return strconv.Itoa(ft.Status)
}

// fail answers with GitHub's error body.
func (c *call) fail(status int, msg, docs string) {
	writeJSON(c.w, status, errorBody(status, msg, docs))
}

func errorBody(status int, msg, docs string) map[string]any {
	if msg == "" {
		msg = http.StatusText(status)
		if status >= 500 {
			msg = "Server Error"
		}
	}
	if docs == "" {
		docs = "https://docs.github.com/rest"
	}
	return map[string]any{"message": msg, "documentation_url": docs, "status": strconv.Itoa(status)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func etag(body []byte) string {
	sum := sha1.Sum(body)
	return `W/"` + hex.EncodeToString(sum[:]) + `"`
}

// recorder holds an answer until the server has logged it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (w *World) fire(ev CommentEvent) {
	w.mu.Lock()
	hooks := w.hooks
	w.mu.Unlock()
	for _, h := range hooks {
		h(ev)
	}
}
