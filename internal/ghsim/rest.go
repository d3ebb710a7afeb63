package ghsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/nanobots-dev/nanobots/internal/ghsim/restspec"
)

// restHandler answers one REST operation with the world locked. It returns
// the status and a JSON-ready body; a *apiError is answered as GitHub's
// error body.
type restHandler func(c *call, p map[string]string) (int, any)

// apiError is an error answer in GitHub's shape.
type apiError struct {
	status  int
	message string
	errors  []any // "errors" of a 422 Validation Failed
}

func (e *apiError) Error() string { return e.message }

func notFound() *apiError { return &apiError{status: http.StatusNotFound, message: "Not Found"} }

func invalid(msg string, errs ...any) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, message: msg, errors: errs}
}

func forbidden(msg string) *apiError { return &apiError{status: http.StatusForbidden, message: msg} }

func (c *call) serveREST() {
	s := c.s
	route, err := s.api.spec.Find(c.r)
	if err != nil {
		c.entry.Route = "unknown"
		c.requestError(err)
		return
	}
	c.entry.Route = route.OperationID
	h, ok := restHandlers[route.OperationID]
	if !route.Served || !ok {
		// GitHub has this route; the simulator does not play it. Say so
		// plainly rather than pretend.
		c.fail(http.StatusNotImplemented, fmt.Sprintf("ghsim does not simulate %s (%s %s)", route.OperationID, route.Method, route.Template), route.DocsURL)
		return
	}
	if err := s.api.spec.ValidateRequest(route, c.r, c.body); err != nil {
		c.requestError(err)
		return
	}
	write := c.r.Method != http.MethodGet && c.r.Method != http.MethodHead
	c.entry.Write = write
	free := route.OperationID == "rate-limit/get" // GitHub does not charge it
	now := s.World.Now()
	if !free {
		b, limit := s.lim.peek(c.limitHolder(), "core", now)
		if c.user == nil {
			limit = 60
		}
		if b.used >= limit {
			c.rateHeaders("core", b, limit)
			c.w.Header().Set("X-Ratelimit-Remaining", "0")
			c.fail(http.StatusForbidden, fmt.Sprintf("API rate limit exceeded for user %q.", c.login()), "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
			return
		}
	}
	if write {
		if c.user == nil {
			c.fail(http.StatusUnauthorized, "Requires authentication", route.DocsURL)
			return
		}
		if !c.secondary(1) {
			return
		}
	}
	c.noteBranchHead(route)
	ft := s.faults.match(route.OperationID, "", nil)
	if c.fault(ft) {
		return
	}

	s.World.mu.Lock()
	status, body := h(c, route.PathParams)
	s.World.mu.Unlock()

	if ft != nil && ft.After {
		c.entry.Fault = faultName(ft) + " after"
		ft.write(c.w, false, c.userID())
		return
	}
	if e, ok := body.(*apiError); ok {
		c.chargeCore(free)
		m := errorBody(e.status, e.message, route.DocsURL)
		if len(e.errors) > 0 {
			m["errors"] = e.errors
		}
		writeJSON(c.w, e.status, m)
		return
	}
	if raw, ok := body.(rawBody); ok {
		if c.entry.NotModified = c.writeRaw(raw); c.entry.NotModified {
			b, limit := s.lim.peek(c.limitHolder(), "core", now)
			c.rateHeaders("core", b, limit)
			c.w.WriteHeader(http.StatusNotModified)
			return
		}
		c.chargeCore(free)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if body != nil {
		enc.Encode(body)
	}
	if c.r.Method == http.MethodGet && status == http.StatusOK {
		tag := etag(buf.Bytes())
		c.w.Header().Set("ETag", tag)
		if inm := c.r.Header.Get("If-None-Match"); inm != "" && inm == tag {
			// A 304 costs nothing against the primary limit.
			c.entry.NotModified = true
			b, limit := s.lim.peek(c.limitHolder(), "core", now)
			c.rateHeaders("core", b, limit)
			c.w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	c.chargeCore(free)
	if body == nil {
		c.w.WriteHeader(status)
		return
	}
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.s.checkAnswer(route, status, c.w.Header(), buf.Bytes())
	c.w.WriteHeader(status)
	c.w.Write(buf.Bytes())
}

func (c *call) chargeCore(free bool) {
	now := c.s.World.Now()
	if free {
		b, limit := c.s.lim.peek(c.limitHolder(), "core", now)
		c.rateHeaders("core", b, limit)
		return
	}
	b, limit, _ := c.s.lim.charge(c.limitHolder(), "core", 1, now)
	c.rateHeaders("core", b, limit)
}

func (c *call) requestError(err error) {
	var re *restspec.RequestError
	if errors.As(err, &re) {
		writeJSON(c.w, re.Status, re)
		return
	}
	c.fail(http.StatusInternalServerError, err.Error(), "")
}

// query reads a query parameter.
func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// decode reads the JSON body into v; the request was validated already.
func (c *call) decode(v any) {
	if len(bytes.TrimSpace(c.body)) > 0 {
		json.Unmarshal(c.body, v)
	}
}

// has reports whether the JSON body has a key, to tell "absent" from "null".
func (c *call) has(key string) bool {
	var m map[string]json.RawMessage
	json.Unmarshal(c.body, &m)
	_, ok := m[key]
	return ok
}

// repo finds the repository a route names, as the caller may see it: a
// private repository the caller cannot read is "Not Found", as on GitHub.
func (c *call) repo(p map[string]string) (*Repo, *apiError) {
	r := c.s.World.Repo(p["owner"] + "/" + p["repo"])
	if r == nil || (r.Private && !c.can(r, "read")) {
		return nil, notFound()
	}
	return r, nil
}

// repoIssue finds the repository and the issue (or pull request) a route names.
func (c *call) repoIssue(p map[string]string) (*Repo, *Issue, *apiError) {
	r, err := c.repo(p)
	if err != nil {
		return nil, nil, err
	}
	is, err := c.issue(r, p)
	return r, is, err
}

func (c *call) issue(r *Repo, p map[string]string) (*Issue, *apiError) {
	n, _ := strconv.Atoi(p["issue_number"])
	if n == 0 {
		n, _ = strconv.Atoi(p["pull_number"])
	}
	is := r.Issue(n)
	if is == nil {
		return nil, notFound()
	}
	return is, nil
}

// page slices a list by per_page (default 30, at most 100) and page, and
// sets GitHub's Link header. The links repeat the requested path; GitHub's
// own point at /repositories/{id}/…, a route its description does not list.
func page[T any](c *call, all []T) []T {
	per, _ := strconv.Atoi(c.query("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	pg, _ := strconv.Atoi(c.query("page"))
	if pg <= 0 {
		pg = 1
	}
	last := max((len(all)+per-1)/per, 1)
	link := func(n int, rel string) string {
		u := *c.r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(per))
		u.RawQuery = q.Encode()
		return fmt.Sprintf(`<%s%s>; rel="%s"`, c.base(), u.RequestURI(), rel)
	}
	var links []string
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"), link(pg-1, "prev"))
	}
	if len(links) > 0 {
		c.w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo := (pg - 1) * per
	if lo >= len(all) {
		return []T{}
	}
	return all[lo:min(lo+per, len(all))]
}

func list[T any](items []T, f func(T) any) []any {
	out := make([]any, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

var restHandlers = map[string]restHandler{
	"repos/get":                               getRepo,
	"repos/list-collaborators":                listCollaborators,
	"repos/get-collaborator-permission-level": getPermission,
	"issues/list-for-repo":                    listIssues,
	"issues/create":                           createIssue,
	"issues/get":                              getIssue,
	"issues/update":                           updateIssue,
	"issues/list-comments":                    listComments,
	"issues/create-comment":                   createComment,
	"issues/get-comment":                      getComment,
	"issues/update-comment":                   updateComment,
	"issues/delete-comment":                   deleteComment,
	"issues/add-labels":                       addLabels,
	"issues/remove-label":                     removeLabel,
	"issues/add-assignees":                    addAssignees,
	"issues/list-labels-for-repo":             listLabels,
	"issues/create-label":                     createLabel,
	"issues/get-label":                        getLabel,
	"issues/update-label":                     updateLabel,
	"repos/get-content":                       getContent,
	"repos/create-or-update-file-contents":    putContent,
	"pulls/list":                              listPulls,
	"pulls/get":                               getPull,
	"pulls/create":                            createPull,
	"pulls/merge":                             mergePull,
	"pulls/update":                            updatePull,
	"repos/create-fork":                       createFork,
	"issues/list-events":                      listIssueEvents,
	"git/list-matching-refs":                  matchingRefs,
	"git/get-ref":                             getRef,
	"git/create-ref":                          createRef,
	"repos/get-branch":                        getBranch,
	"checks/list-for-ref":                     listCheckRuns,
	"checks/create":                           createCheckRun,
	"repos/get-combined-status-for-ref":       combinedStatus,
	"repos/create-commit-status":              createStatus,
	"actions/list-repo-workflows":             listWorkflows,
	"actions/get-workflow":                    getWorkflow,
	"actions/enable-workflow":                 setWorkflowState("active"),
	"actions/disable-workflow":                setWorkflowState("disabled_manually"),
	"users/get-authenticated":                 getAuthenticated,
	"users/get-by-username":                   getUser,
	"rate-limit/get":                          getRateLimit,
}

func getRepo(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	m := c.repoJSON(r)
	m["permissions"] = obj{"admin": c.can(r, "admin"), "maintain": c.can(r, "maintain"),
		"push": c.can(r, "write"), "triage": c.can(r, "triage"), "pull": c.can(r, "read")}
	return http.StatusOK, m
}

func collaborators(r *Repo) []string {
	var logins []string
	for l := range r.Collaborators {
		logins = append(logins, l)
	}
	sort.Strings(logins)
	return logins
}

// legacyPermission maps a role to the "permission" GitHub reports: admin,
// write, read or none (maintain counts as write, triage as read).
func legacyPermission(role string) string {
	switch role {
	case "admin":
		return "admin"
	case "maintain", "write":
		return "write"
	case "triage", "read":
		return "read"
	}
	return "none"
}

func listCollaborators(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusForbidden, "Must have push access to view repository collaborators.")
	}
	return http.StatusOK, list(page(c, collaborators(r)), func(login string) any {
		role := r.Collaborators[login]
		m := c.userJSON(c.s.World.User(login)).(obj)
		m["role_name"] = role
		m["permissions"] = obj{"admin": role == "admin", "maintain": role == "admin" || role == "maintain",
			"push": legacyPermission(role) != "read", "triage": role != "read", "pull": true}
		return m
	})
}

func getPermission(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	u := c.s.World.User(p["username"])
	if u == nil {
		return 0, notFound()
	}
	role := r.Permission(u.Login)
	user := c.userJSON(u).(obj)
	user["role_name"] = role
	return http.StatusOK, obj{"permission": legacyPermission(role), "role_name": role, "user": user}
}

func hasAllLabels(is *Issue, want []string) bool {
	for _, w := range want {
		found := false
		for _, l := range is.Labels {
			if strings.EqualFold(l.Name, w) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func listIssues(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	state := c.query("state")
	if state == "" {
		state = "open"
	}
	var labels []string
	if l := c.query("labels"); l != "" {
		for _, name := range strings.Split(l, ",") {
			labels = append(labels, strings.TrimSpace(name))
		}
	}
	var out []*Issue
	for _, is := range r.Issues {
		switch {
		case is.Gone != "", state != "all" && is.State != state,
			!hasAllLabels(is, labels),
			c.query("creator") != "" && !strings.EqualFold(is.Author.Login, c.query("creator")):
			continue
		}
		if since := c.query("since"); since != "" && is.UpdatedAt.Format("2006-01-02T15:04:05Z") < since {
			continue
		}
		out = append(out, is)
	}
	key := func(is *Issue) int64 { return is.CreatedAt.UnixNano()*1000 + int64(is.Number) }
	if c.query("sort") == "updated" {
		key = func(is *Issue) int64 { return is.UpdatedAt.UnixNano()*1000 + int64(is.Number) }
	}
	asc := c.query("direction") == "asc"
	sort.SliceStable(out, func(i, j int) bool {
		if asc {
			return key(out[i]) < key(out[j])
		}
		return key(out[i]) > key(out[j])
	})
	return http.StatusOK, list(page(c, out), func(is *Issue) any { return c.issueJSON(is) })
}

// maxBodyChars is GitHub's limit on issue and comment bodies.
const maxBodyChars = 65536

func tooLong(body string) *apiError {
	if n := len([]rune(body)); n > maxBodyChars {
		return invalid("Validation Failed", obj{"resource": "Issue", "code": "custom", "field": "body",
			"message": fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyChars)})
	}
	return nil
}

// applyLabels sets is's labels by name. Labels that do not exist are created
// when the caller may triage, and dropped otherwise, as GitHub does.
func (c *call) applyLabels(is *Issue, names []string) {
	var ls []*Label
	seen := map[*Label]bool{}
	for _, n := range names {
		l := is.Repo.Labels[strings.ToLower(n)]
		if l == nil {
			if !c.can(is.Repo, "triage") {
				continue
			}
			l = c.s.World.addLabel(is.Repo, n, "ededed", "")
		}
		if !seen[l] {
			seen[l] = true
			ls = append(ls, l)
		}
	}
	c.s.World.setLabels(is, ls, c.user)
}

// applyAssignees sets is's assignees; logins that cannot be assigned (not
// collaborators) are ignored, as GitHub does.
func (c *call) applyAssignees(is *Issue, logins []string, add bool) {
	if !add {
		is.Assignees = nil
	}
	for _, l := range logins {
		u := c.s.World.User(l)
		if u == nil || is.Repo.Permission(u.Login) == "read" || is.Repo.Permission(u.Login) == "none" {
			continue
		}
		dup := false
		for _, a := range is.Assignees {
			dup = dup || a == u
		}
		if !dup && len(is.Assignees) < 10 {
			is.Assignees = append(is.Assignees, u)
		}
	}
}

func labelNames(raw json.RawMessage) []string {
	var names []string
	if json.Unmarshal(raw, &names) == nil {
		return names
	}
	var objs []struct {
		Name string `json:"name"`
	}
	json.Unmarshal(raw, &objs)
	for _, o := range objs {
		names = append(names, o.Name)
	}
	return names
}

func createIssue(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	var in struct {
		Title     any             `json:"title"`
		Body      string          `json:"body"`
		Labels    json.RawMessage `json:"labels"`
		Assignees []string        `json:"assignees"`
	}
	if !c.canApp("issues:write") {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal)
	}
	c.decode(&in)
	title := fmt.Sprint(in.Title)
	if strings.TrimSpace(title) == "" {
		return 0, invalid("Validation Failed", obj{"resource": "Issue", "code": "missing_field", "field": "title"})
	}
	if e := tooLong(in.Body); e != nil {
		return 0, e
	}
	is := c.s.World.createIssue(r, c.user, title, in.Body)
	if c.can(r, "triage") {
		c.applyLabels(is, labelNames(in.Labels))
		c.applyAssignees(is, in.Assignees, false)
	}
	return http.StatusCreated, c.issueJSON(is)
}

func getIssue(c *call, p map[string]string) (int, any) {
	_, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, c.issueJSON(is)
}

func updateIssue(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	// The author edits and closes their own issue; a triager labels,
	// assigns, closes and reopens anyone's; only write access edits the
	// title or body of someone else's (docs: "Repository roles").
	isAuthor := c.user != nil && is.Author == c.user && c.canApp("issues:write")
	if !isAuthor && !c.can(r, "triage") {
		return 0, c.personRefused()
	}
	var in struct {
		Title       *string         `json:"title"`
		Body        *string         `json:"body"`
		State       string          `json:"state"`
		StateReason string          `json:"state_reason"`
		Labels      json.RawMessage `json:"labels"`
		Assignees   []string        `json:"assignees"`
	}
	c.decode(&in)
	if in.Body != nil {
		if e := tooLong(*in.Body); e != nil {
			return 0, e
		}
	}
	edits := in.Body != nil && *in.Body != is.Body || in.Title != nil && *in.Title != is.Title
	if edits && !isAuthor && !c.can(r, "write") {
		return 0, c.personRefused()
	}
	c.s.World.editIssue(is, c.user, in.Title, in.Body)
	switch in.State {
	case "closed":
		reason := in.StateReason
		if reason == "" {
			reason = "completed"
		}
		c.s.World.closeIssue(is, reason)
	case "open":
		c.s.World.reopenIssue(is)
	}
	if c.has("labels") && c.can(r, "triage") {
		c.applyLabels(is, labelNames(in.Labels))
	}
	if c.has("assignees") && c.can(r, "triage") {
		c.applyAssignees(is, in.Assignees, false)
	}
	is.UpdatedAt = c.s.World.Now()
	return http.StatusOK, c.issueJSON(is)
}

func listComments(c *call, p map[string]string) (int, any) {
	_, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	var out []*Comment
	for _, cm := range is.Comments {
		if since := c.query("since"); since != "" && cm.UpdatedAt.Format("2006-01-02T15:04:05Z") < since {
			continue
		}
		out = append(out, cm)
	}
	return http.StatusOK, list(page(c, out), func(cm *Comment) any { return c.commentJSON(cm) })
}

func createComment(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	if !c.canApp("issues:write") {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal)
	}
	var in struct {
		Body string `json:"body"`
	}
	c.decode(&in)
	if e := tooLong(in.Body); e != nil {
		return 0, e
	}
	cm := c.s.World.addComment(is, c.user, in.Body)
	c.events = append(c.events, CommentEvent{Repo: r, Issue: is, Comment: cm})
	return http.StatusCreated, c.commentJSON(cm)
}

// repoPull finds the repository and the pull request a route names; an
// issue's number is "Not Found" here, as on GitHub.
func (c *call) repoPull(p map[string]string) (*Repo, *Issue, *apiError) {
	r, is, err := c.repoIssue(p)
	if err == nil && is.PR == nil {
		err = notFound()
	}
	return r, is, err
}

// repoComment finds the repository and the comment a route names.
func (c *call) repoComment(p map[string]string) (*Repo, *Comment, *apiError) {
	r, err := c.repo(p)
	if err != nil {
		return nil, nil, err
	}
	cm, err := c.comment(r, p)
	return r, cm, err
}

func (c *call) comment(r *Repo, p map[string]string) (*Comment, *apiError) {
	id, _ := strconv.ParseInt(p["comment_id"], 10, 64)
	for _, is := range r.Issues {
		for _, cm := range is.Comments {
			if cm.ID == id {
				return cm, nil
			}
		}
	}
	return nil, notFound()
}

func getComment(c *call, p map[string]string) (int, any) {
	_, cm, err := c.repoComment(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, c.commentJSON(cm)
}

func updateComment(c *call, p map[string]string) (int, any) {
	r, cm, err := c.repoComment(p)
	if err != nil {
		return 0, err
	}
	if !(cm.Author == c.user && c.canApp("issues:write")) && !c.can(r, "write") {
		return 0, c.personRefused()
	}
	var in struct {
		Body string `json:"body"`
	}
	c.decode(&in)
	if e := tooLong(in.Body); e != nil {
		return 0, e
	}
	cm.Body, cm.UpdatedAt = in.Body, c.s.World.Now()
	return http.StatusOK, c.commentJSON(cm)
}

// deleteComment deletes an issue comment, as its author or someone with
// write access may: it is gone from the issue, from GraphQL and from a
// second delete (404).
func deleteComment(c *call, p map[string]string) (int, any) {
	r, cm, err := c.repoComment(p)
	if err != nil {
		return 0, err
	}
	if !(cm.Author == c.user && c.canApp("issues:write")) && !c.can(r, "write") {
		return 0, c.personRefused()
	}
	is := cm.Issue
	for i, x := range is.Comments {
		if x == cm {
			is.Comments = append(is.Comments[:i:i], is.Comments[i+1:]...)
			break
		}
	}
	delete(c.s.World.nodes, cm.NodeID)
	is.UpdatedAt = c.s.World.Now()
	return http.StatusNoContent, nil
}

func addLabels(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "triage") {
		return 0, c.personRefused()
	}
	var names []string
	var wrapped struct {
		Labels json.RawMessage `json:"labels"`
	}
	if json.Unmarshal(c.body, &wrapped) == nil && wrapped.Labels != nil {
		names = labelNames(wrapped.Labels)
	} else {
		names = labelNames(c.body)
	}
	current := make([]string, 0, len(is.Labels)+len(names))
	for _, l := range is.Labels {
		current = append(current, l.Name)
	}
	c.applyLabels(is, append(current, names...))
	return http.StatusOK, list(is.Labels, func(l *Label) any { return c.labelJSON(r, l) })
}

func removeLabel(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "triage") {
		return 0, c.personRefused()
	}
	if l := r.Labels[strings.ToLower(p["name"])]; l != nil && c.s.World.unlabelIssue(is, l, c.user) {
		return http.StatusOK, list(is.Labels, func(l *Label) any { return c.labelJSON(r, l) })
	}
	return 0, &apiError{status: http.StatusNotFound, message: "Label does not exist"}
}

func addAssignees(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoIssue(p)
	if err != nil {
		return 0, err
	}
	var in struct {
		Assignees []string `json:"assignees"`
	}
	c.decode(&in)
	if c.can(r, "triage") {
		c.applyAssignees(is, in.Assignees, true)
		is.UpdatedAt = c.s.World.Now()
	}
	return http.StatusCreated, c.issueJSON(is)
}

func sortedLabels(r *Repo) []*Label {
	out := make([]*Label, 0, len(r.Labels))
	for _, l := range r.Labels {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func listLabels(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, list(page(c, sortedLabels(r)), func(l *Label) any { return c.labelJSON(r, l) })
}

func validColor(s string) bool {
	if len(s) != 6 {
		return false
	}
	_, err := strconv.ParseUint(s, 16, 32)
	return err == nil
}

func createLabel(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusNotFound, "Not Found")
	}
	var in struct {
		Name, Color, Description string
	}
	c.decode(&in)
	in.Color = strings.TrimPrefix(in.Color, "#")
	if in.Color == "" {
		in.Color = "ededed"
	}
	if !validColor(in.Color) {
		return 0, invalid("Validation Failed", obj{"resource": "Label", "code": "invalid", "field": "color"})
	}
	if r.Labels[strings.ToLower(in.Name)] != nil {
		return 0, invalid("Validation Failed", obj{"resource": "Label", "code": "already_exists", "field": "name"})
	}
	l := c.s.World.addLabel(r, in.Name, strings.ToLower(in.Color), in.Description)
	return http.StatusCreated, c.labelJSON(r, l)
}

func getLabel(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	l := r.Labels[strings.ToLower(p["name"])]
	if l == nil {
		return 0, notFound()
	}
	return http.StatusOK, c.labelJSON(r, l)
}

func updateLabel(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusNotFound, "Not Found")
	}
	l := r.Labels[strings.ToLower(p["name"])]
	if l == nil {
		return 0, notFound()
	}
	var in struct {
		NewName     string  `json:"new_name"`
		Color       string  `json:"color"`
		Description *string `json:"description"`
	}
	c.decode(&in)
	if in.Color != "" {
		in.Color = strings.TrimPrefix(in.Color, "#")
		if !validColor(in.Color) {
			return 0, invalid("Validation Failed", obj{"resource": "Label", "code": "invalid", "field": "color"})
		}
		l.Color = strings.ToLower(in.Color)
	}
	if in.Description != nil {
		l.Description = *in.Description
	}
	if in.NewName != "" && !strings.EqualFold(in.NewName, l.Name) {
		if r.Labels[strings.ToLower(in.NewName)] != nil {
			return 0, invalid("Validation Failed", obj{"resource": "Label", "code": "already_exists", "field": "name"})
		}
		delete(r.Labels, strings.ToLower(l.Name))
		l.Name = in.NewName
		r.Labels[strings.ToLower(l.Name)] = l
	}
	return http.StatusOK, c.labelJSON(r, l)
}

// commitAt resolves a ref as GitHub does: a branch, a "heads/…" ref or a SHA.
func commitAt(r *Repo, ref string) *Commit {
	if ref == "" {
		ref = r.DefaultBranch
	}
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "refs/"), "heads/")
	if sha, ok := r.Branches[ref]; ok {
		return r.Commits[sha]
	}
	return r.Commits[ref]
}

func getContent(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	ref := c.query("ref")
	cm := commitAt(r, ref)
	if cm == nil {
		return 0, &apiError{status: http.StatusNotFound, message: fmt.Sprintf("No commit found for the ref %s", ref)}
	}
	if ref == "" {
		ref = r.DefaultBranch
	}
	pth := strings.Trim(p["path"], "/")
	if b, ok := cm.Files[pth]; ok {
		if c.wantsRaw() {
			return http.StatusOK, rawBody(b.Content)
		}
		return http.StatusOK, c.contentJSON(r, pth, ref, b, true)
	}
	// A directory lists its entries.
	var names []string
	for f := range cm.Files {
		if pth == "" || strings.HasPrefix(f, pth+"/") {
			names = append(names, f)
		}
	}
	if len(names) == 0 {
		return 0, notFound()
	}
	sort.Strings(names)
	seen := map[string]bool{}
	var out []any
	for _, f := range names {
		rest := strings.TrimPrefix(f, pth+"/")
		if pth == "" {
			rest = f
		}
		first, _, isDir := strings.Cut(rest, "/")
		if seen[first] {
			continue
		}
		seen[first] = true
		full := strings.TrimPrefix(pth+"/"+first, "/")
		if isDir {
			out = append(out, obj{"type": "dir", "name": first, "path": full, "sha": treeSHA(cm), "size": 0,
				"url": c.repoAPI(r) + "/contents/" + full, "html_url": nil, "git_url": nil, "download_url": nil,
				"_links": obj{"self": c.repoAPI(r) + "/contents/" + full, "git": nil, "html": nil}})
			continue
		}
		out = append(out, c.contentJSON(r, full, ref, cm.Files[full], false))
	}
	return http.StatusOK, out
}

func putContent(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusNotFound, "Not Found")
	}
	var in struct {
		Message, Content, SHA, Branch string
	}
	c.decode(&in)
	branch := in.Branch
	if branch == "" {
		branch = r.DefaultBranch
	}
	head := r.Head(branch)
	if head == nil {
		return 0, &apiError{status: http.StatusNotFound, message: "Branch " + branch + " not found"}
	}
	if err := c.branchMoved(head.SHA); err != nil {
		return 0, err
	}
	content, decErr := decodeBase64(in.Content)
	if decErr != nil {
		return 0, invalid("content is not valid Base64")
	}
	pth := strings.Trim(p["path"], "/")
	existing, exists := head.Files[pth]
	switch {
	case exists && in.SHA == "":
		return 0, invalid("Invalid request.\n\n\"sha\" wasn't supplied.")
	case exists && in.SHA != existing.SHA:
		// The blob SHA is the precondition: the file changed since it was read.
		return 0, &apiError{status: http.StatusConflict, message: fmt.Sprintf("%s does not match %s", pth, in.SHA)}
	case !exists && in.SHA != "":
		return 0, &apiError{status: http.StatusConflict, message: fmt.Sprintf("%s does not match %s", pth, in.SHA)}
	}
	cm, _ := c.s.World.commitFiles(r, branch, in.Message, c.user, map[string][]byte{pth: content})
	status := http.StatusCreated
	if exists {
		status = http.StatusOK
	}
	return status, obj{"content": c.contentJSON(r, pth, branch, cm.Files[pth], false), "commit": c.gitCommitJSON(r, cm)}
}

func decodeBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(s))
}

func listPulls(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	state := c.query("state")
	if state == "" {
		state = "open"
	}
	head, headOwner := c.query("head"), ""
	if login, branch, ok := strings.Cut(head, ":"); ok {
		head, headOwner = branch, login
	}
	var out []*Issue
	for i := len(r.Issues) - 1; i >= 0; i-- {
		is := r.Issues[i]
		if is.PR == nil || (state != "all" && is.State != state) ||
			(head != "" && is.PR.Head != head) || (c.query("base") != "" && is.PR.Base != c.query("base")) ||
			(headOwner != "" && !strings.EqualFold(is.PR.headRepo(r).Owner.Login, headOwner)) {
			continue
		}
		out = append(out, is)
	}
	if c.query("direction") == "asc" {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return http.StatusOK, list(page(c, out), func(is *Issue) any {
		m := c.pullJSON(is)
		for _, k := range []string{"merged", "mergeable", "rebaseable", "mergeable_state", "merged_by", "comments",
			"review_comments", "maintainer_can_modify", "commits", "additions", "deletions", "changed_files"} {
			delete(m, k) // the list's pull-request-simple has none of these
		}
		// The list's pull-request-simple gives a label's description as a
		// string that may not be null (the single pull request's schema
		// allows null): a label without one reads "" here.
		if labels, ok := m["labels"].([]any); ok {
			simple := make([]any, len(labels))
			for i, l := range labels {
				lo := maps.Clone(l.(obj))
				if lo["description"] == nil {
					lo["description"] = ""
				}
				simple[i] = lo
			}
			m["labels"] = simple
		}
		return m
	})
}

func getPull(c *call, p map[string]string) (int, any) {
	_, is, err := c.repoPull(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, c.pullJSON(is)
}

func createPull(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	var in struct {
		Title, Head, Base, Body string
		Draft                   bool
	}
	if !c.canApp("pull_requests:write") {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal)
	}
	c.decode(&in)
	headRepo, head := c.headOf(r, in.Head)
	if headRepo == nil {
		return 0, invalid("Validation Failed", obj{"resource": "PullRequest", "code": "invalid", "field": "head"})
	}
	in.Head = head
	if in.Title == "" {
		return 0, invalid("Validation Failed", obj{"resource": "PullRequest", "code": "missing_field", "field": "title"})
	}
	if e := tooLong(in.Body); e != nil {
		return 0, e
	}
	pr, perr := c.s.World.createPullFrom(r, c.user, in.Title, in.Body, headRepo, in.Head, in.Base)
	if perr != nil {
		return 0, invalid("Validation Failed", obj{"resource": "PullRequest", "code": "custom", "message": perr.Error()})
	}
	pr.PR.Draft = in.Draft
	return http.StatusCreated, c.pullJSON(pr)
}

func mergePull(c *call, p map[string]string) (int, any) {
	r, is, err := c.repoPull(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusForbidden, needPushAccess)
	}
	var in struct {
		SHA string `json:"sha"`
	}
	c.decode(&in)
	if in.SHA != "" && in.SHA != is.PR.headRepo(r).Branches[is.PR.Head] {
		return 0, &apiError{status: http.StatusConflict, message: "Head branch was modified. Review and try the merge again."}
	}
	if is.State != "open" || is.PR.Merged {
		return 0, &apiError{status: http.StatusMethodNotAllowed, message: "Pull Request is not mergeable"}
	}
	if is.PR.Draft {
		return 0, &apiError{status: http.StatusMethodNotAllowed, message: "Pull Request is still a draft"}
	}
	cm, merr := c.s.World.mergePull(is, c.user)
	if merr != nil {
		return 0, &apiError{status: http.StatusMethodNotAllowed, message: merr.Error()}
	}
	return http.StatusOK, obj{"sha": cm.SHA, "merged": true, "message": "Pull Request successfully merged"}
}

func sortedBranches(r *Repo) []string {
	var names []string
	for b := range r.Branches {
		names = append(names, b)
	}
	sort.Strings(names)
	return names
}

func matchingRefs(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	prefix := strings.TrimPrefix(p["ref"], "refs/")
	var out []any
	for _, b := range sortedBranches(r) {
		if name := "heads/" + b; strings.HasPrefix(name, prefix) {
			out = append(out, c.refJSON(r, "refs/"+name, r.Branches[b]))
		}
	}
	if out == nil {
		out = []any{}
	}
	return http.StatusOK, out
}

func getRef(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	ref := strings.TrimPrefix(p["ref"], "refs/")
	branch, ok := strings.CutPrefix(ref, "heads/")
	if !ok {
		return 0, notFound()
	}
	sha, ok := r.Branches[branch]
	if !ok {
		return 0, notFound()
	}
	return http.StatusOK, c.refJSON(r, "refs/"+ref, sha)
}

func createRef(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") {
		return 0, c.refuse(http.StatusNotFound, "Not Found")
	}
	var in struct{ Ref, SHA string }
	c.decode(&in)
	branch, ok := strings.CutPrefix(in.Ref, "refs/heads/")
	if !ok || branch == "" {
		return 0, invalid("Reference name must start with 'refs/' and have at least two slashes.")
	}
	if _, exists := r.Branches[branch]; exists {
		return 0, invalid("Reference already exists")
	}
	if r.Commits[in.SHA] == nil {
		return 0, invalid("Object does not exist")
	}
	r.Branches[branch] = in.SHA
	return http.StatusCreated, c.refJSON(r, in.Ref, in.SHA)
}

func getBranch(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	head := r.Head(p["branch"])
	if head == nil {
		return 0, &apiError{status: http.StatusNotFound, message: "Branch not found"}
	}
	api := c.repoAPI(r) + "/branches/" + url.PathEscape(p["branch"])
	return http.StatusOK, obj{
		"name": p["branch"], "commit": c.commitJSON(r, head), "protected": r.Protected[p["branch"]] != nil,
		"protection":     obj{"enabled": r.Protected[p["branch"]] != nil, "required_status_checks": obj{"enforcement_level": "off", "contexts": []any{}, "checks": []any{}}},
		"protection_url": api + "/protection",
		"_links":         obj{"self": api, "html": c.html() + "/" + r.FullName() + "/tree/" + p["branch"]},
	}
}

func listCheckRuns(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	cm := commitAt(r, p["ref"])
	if cm == nil {
		return 0, &apiError{status: http.StatusUnprocessableEntity, message: "No commit found for SHA: " + p["ref"]}
	}
	runs := r.CheckRuns[cm.SHA]
	return http.StatusOK, obj{"total_count": len(runs), "check_runs": list(page(c, runs), func(cr *CheckRun) any { return c.checkRunJSON(r, cr) })}
}

func createCheckRun(c *call, p map[string]string) (int, any) {
	// Check runs are written by GitHub Apps only; a personal access token
	// (or GITHUB_TOKEN acting as a user) is refused, as on GitHub. The
	// scripted agent reports CI through World.AddCheckRun instead.
	return 0, forbidden("You must authenticate via a GitHub App.")
}

func combinedStatus(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	cm := commitAt(r, p["ref"])
	if cm == nil {
		return 0, &apiError{status: http.StatusNotFound, message: "No commit found for SHA: " + p["ref"]}
	}
	sts := latestStatuses(r.Statuses[cm.SHA])
	return http.StatusOK, obj{
		"state": combinedState(sts), "sha": cm.SHA, "total_count": len(sts),
		"statuses":   list(sts, func(s *Status) any { m := c.statusJSON(r, cm.SHA, s); delete(m, "creator"); return m }),
		"repository": c.repoJSON(r), "commit_url": c.repoAPI(r) + "/commits/" + cm.SHA,
		"url": c.repoAPI(r) + "/commits/" + cm.SHA + "/status",
	}
}

func createStatus(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	if !c.can(r, "write") || !c.canApp("statuses:write") {
		return 0, c.refuse(http.StatusNotFound, "Not Found")
	}
	if r.Commits[p["sha"]] == nil {
		return 0, invalid("No commit found for SHA: " + p["sha"])
	}
	var in struct {
		State, Context, Description string
		TargetURL                   string `json:"target_url"`
	}
	c.decode(&in)
	if in.Context == "" {
		in.Context = "default"
	}
	s := c.s.World.addStatus(r, p["sha"], in.State, in.Context, in.Description, in.TargetURL, c.user)
	return http.StatusCreated, c.statusJSON(r, p["sha"], s)
}

func listWorkflows(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	return http.StatusOK, obj{"total_count": len(r.Workflows), "workflows": list(page(c, r.Workflows), func(wf *Workflow) any { return c.workflowJSON(r, wf) })}
}

func getWorkflow(c *call, p map[string]string) (int, any) {
	r, err := c.repo(p)
	if err != nil {
		return 0, err
	}
	for _, wf := range r.Workflows {
		if strconv.FormatInt(wf.ID, 10) == p["workflow_id"] || strings.HasSuffix(wf.Path, "/"+p["workflow_id"]) {
			return http.StatusOK, c.workflowJSON(r, wf)
		}
	}
	return 0, notFound()
}

func getAuthenticated(c *call, p map[string]string) (int, any) {
	if c.user == nil {
		return 0, &apiError{status: http.StatusUnauthorized, message: "Requires authentication"}
	}
	if c.app() {
		return 0, c.refuse(http.StatusForbidden, integrationRefusal) // an installation is no user
	}
	return http.StatusOK, c.publicUserJSON(c.user, true)
}

func getUser(c *call, p map[string]string) (int, any) {
	u := c.s.World.User(p["username"])
	if u == nil {
		return 0, notFound()
	}
	return http.StatusOK, c.publicUserJSON(u, false)
}

func getRateLimit(c *call, p map[string]string) (int, any) {
	now := c.s.World.Now()
	res := obj{}
	for _, name := range []string{"core", "graphql", "search"} {
		b, limit := c.s.lim.peek(c.limitHolder(), name, now)
		if name == "search" {
			limit = 30
		}
		res[name] = obj{"limit": limit, "used": b.used, "remaining": max(limit-b.used, 0), "reset": b.reset.Unix()}
	}
	return http.StatusOK, obj{"resources": res, "rate": res["core"]}
}
