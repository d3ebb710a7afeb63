package setup

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/rhysd/actionlint"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/policy"
	"github.com/nanobots-dev/nanobots/scaffold"
)

// DoctorOptions configure Doctor.
type DoctorOptions struct {
	Options
	// Version is this nanobots version, and Commit the commit it was built
	// from: the engine-owned files must be what it renders.
	Version string
	Commit  string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// The workflows `nanobots init` writes, which must be on the default branch
// and enabled for the loops to run.
var loopWorkflows = []string{".github/workflows/nanobots-outer.yml", ".github/workflows/nanobots-inner.yml"}

// Doctor checks everything a cycle of the loop needs, one Check each, in an
// order where a failure explains the checks after it that it makes
// impossible (those are skipped, not failed): the policy files, the
// engine-owned files, the tokens, the repository, the workflows, the board,
// the labels, the status issue and the rate-limit budget. It writes nothing.
func Doctor(ctx context.Context, o DoctorOptions) Report {
	d := &doctor{o: o}
	d.local()
	d.github(ctx)
	return d.r
}

type doctor struct {
	o DoctorOptions
	r Report

	cfg      policy.Config
	cfgOK    bool
	rubric   policy.Rubric
	rubricOK bool
}

func (d *doctor) add(id string, res Verdict, detail, fix string) {
	d.r.Checks = append(d.r.Checks, Check{ID: id, Result: res, Detail: detail, Fix: fix})
}

func (d *doctor) pass(id, format string, args ...any) {
	d.add(id, Pass, fmt.Sprintf(format, args...), "")
}

func (d *doctor) skip(id, why string) { d.add(id, Skip, "not checked: "+why, "") }

func (d *doctor) path(rel string) string { return filepath.Join(d.o.Dir, filepath.FromSlash(rel)) }

// local checks the files in the work tree.
func (d *doctor) local() {
	pol, err := policy.Read(os.DirFS(d.o.Dir))
	problems := map[string][]string{}
	for _, e := range flatten(err) {
		msg := e.Error()
		id := "config"
		switch {
		case strings.HasPrefix(msg, policy.Dir+":"):
			d.add("config", Fail, msg, "run \"nanobots init\" in the repository's root, or pass --dir")
			for _, id := range []string{"rubric", "recipes", "prompts", "agent-tools", "engine-files", "actionlint"} {
				d.skip(id, "there is no "+policy.Dir)
			}
			return
		case strings.HasPrefix(msg, policy.TriageFile) && strings.Contains(msg, policy.RecipesFile):
			id = "recipes" // a kind whose recipe RECIPES.md lacks
		case strings.HasPrefix(msg, policy.TriageFile):
			id = "rubric"
		case strings.HasPrefix(msg, policy.RecipesFile):
			id = "recipes"
		case strings.HasPrefix(msg, policy.PromptsDir):
			id = "prompts"
		}
		problems[id] = append(problems[id], msg)
	}
	fix := "do as each message says, at the file, line and column it names"
	check := func(id string, ok func()) {
		if msgs := problems[id]; len(msgs) > 0 {
			d.add(id, Fail, strings.Join(msgs, "\n"), fix)
			return
		}
		ok()
	}
	c, r := pol.Config, pol.Rubric
	check("config", func() {
		d.cfg, d.cfgOK = c, true
		d.pass("config", "%s: board %s/%d (%s), repository %s, dispatcher %s", policy.ConfigFile,
			c.Project.Owner, c.Project.Number, c.Project.OwnerType, c.Repo, c.Dispatcher)
	})
	check("rubric", func() {
		d.rubric, d.rubricOK = r, true
		d.pass("rubric", "%s: %d areas, %d kinds, %d sizes, %d priorities", policy.TriageFile, len(r.Areas), len(r.Kinds), len(r.Sizes), len(r.Priorities))
	})
	check("recipes", func() {
		d.pass("recipes", "%s: %s; every kind's recipe is one of them", policy.RecipesFile, plural(len(pol.Recipes.Sections), "section"))
	})
	check("prompts", func() {
		var names []string
		for name := range pol.Prompts {
			names = append(names, name)
		}
		sort.Strings(names)
		d.pass("prompts", "%s: %s", policy.PromptsDir, strings.Join(names, ", "))
	})
	d.agentToolsCheck()

	if !d.cfgOK || !d.rubricOK {
		d.skip("engine-files", "they are rendered from config.json and TRIAGE.md")
	} else if res, err := scaffold.Update(scaffold.UpdateOptions{Dir: d.o.Dir, Version: d.o.Version, Commit: d.o.Commit, DryRun: true}); err != nil {
		d.add("engine-files", Fail, err.Error(), "")
	} else if drifted := res.Drifted(); len(drifted) > 0 {
		var lines []string
		for _, c := range drifted {
			lines = append(lines, fmt.Sprintf("%s: %s", c.Path, c.Why))
		}
		d.add("engine-files", Fail, "not what this nanobots renders (as \"nanobots update --check\"):\n"+strings.Join(lines, "\n"),
			"run \"nanobots update\", review and commit")
	} else {
		d.pass("engine-files", "every engine-owned file is current and unedited")
	}

	d.lint()
}

// lint runs actionlint over the loop's workflows as they are on disk.
func (d *doctor) lint() {
	var found []string
	linted := 0
	for _, rel := range loopWorkflows {
		src, err := os.ReadFile(d.path(rel))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			d.add("actionlint", Fail, err.Error(), "")
			return
		}
		l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
		if err != nil {
			d.add("actionlint", Fail, err.Error(), "")
			return
		}
		errs, err := l.Lint(rel, src, nil)
		if err != nil {
			d.add("actionlint", Fail, err.Error(), "")
			return
		}
		linted++
		for _, e := range errs {
			found = append(found, fmt.Sprintf("%s:%d:%d: %s [%s]", rel, e.Line, e.Column, e.Message, e.Kind))
		}
	}
	switch {
	case linted == 0:
		d.skip("actionlint", "no nanobots workflow in .github/workflows (see engine-files)")
	case len(found) > 0:
		d.add("actionlint", Fail, strings.Join(found, "\n"), "correct the workflow where each message says, or run \"nanobots update\" to render it again")
	default:
		d.pass("actionlint", "%s pass actionlint", plural(linted, "workflow"))
	}
}

// remote is what GitHub said, gathered before any check is reported.
type remote struct {
	c      *ghclient.Client
	who    identity
	whoErr error

	repo    *gql.SetupRepo
	repoErr error

	labels    []*github.Label
	labelsErr error

	workflows    []*github.Workflow
	workflowsErr error

	board     *gql.Board
	boardErr  error
	otherType bool // the board was found under the other owner type

	items    *gql.Board
	itemsErr error

	review    reviewRule // review.go
	reviewErr error
}

var githubChecks = []string{"dispatch-token", "token-scopes", "github-token", "repository", "branch-review", "workflows",
	"board", "field-status", "field-priority", "field-size", "board-link", "labels", "status-issue", "rate-limit", "schedule"}

func (d *doctor) github(ctx context.Context) {
	s := d.o.Settings
	if !d.cfgOK {
		for _, id := range githubChecks {
			d.skip(id, "needs a valid "+policy.ConfigFile)
		}
		return
	}
	if s.DispatchToken == "" {
		d.add("dispatch-token", Fail, ghclient.EnvDispatchToken+" is not set",
			fmt.Sprintf("create a classic personal access token as %s at %s and export it as %s (in Actions: the repository secret of that name)",
				d.cfg.Dispatcher, tokenURL(s.APIURL, false), ghclient.EnvDispatchToken))
		for _, id := range githubChecks[1:] {
			d.skip(id, "needs "+ghclient.EnvDispatchToken)
		}
		return
	}
	g := d.gather(ctx)
	d.tokenChecks(g)
	if g.whoErr != nil {
		for _, id := range githubChecks[3:] {
			d.skip(id, "GitHub did not accept "+ghclient.EnvDispatchToken)
		}
		return
	}
	d.repoCheck(g)
	d.reviewCheck(g)
	d.workflowsCheck(g)
	d.boardChecks(g)
	d.labelsCheck(g)
	d.statusIssueCheck(g)
	d.rateCheck(g)
	d.scheduleCheck(ctx, g)
}

func (d *doctor) gather(ctx context.Context) *remote {
	g := &remote{}
	g.c, g.whoErr = d.o.client()
	if g.whoErr != nil {
		return g
	}
	if g.who, g.whoErr = whoAmI(ctx, g.c); g.whoErr != nil {
		return g
	}
	owner, name, _ := strings.Cut(d.cfg.Repo, "/")
	g.repo, g.repoErr = gql.ReadSetupRepo(ctx, g.c, d.cfg.Repo, policy.LabelStatus)
	g.labels, g.labelsErr = listLabels(ctx, g.c, owner, name)
	g.workflows, g.workflowsErr = listWorkflows(ctx, g.c, owner, name)
	g.review, g.reviewErr = readReviewRule(ctx, g.c, owner, name, d.cfg.Dispatcher)

	prj := d.cfg.Project
	typ := gql.OwnerType(prj.OwnerType)
	g.board, g.boardErr = gql.ReadBoardSetup(ctx, g.c, typ, prj.Owner, prj.Number)
	if errors.Is(g.boardErr, ghclient.ErrNotFound) {
		other := gql.OwnerUser
		if typ == gql.OwnerUser {
			other = gql.OwnerOrganization
		}
		if _, err := gql.ReadBoardSetup(ctx, g.c, other, prj.Owner, prj.Number); err == nil {
			g.otherType = true
		}
	}
	if g.boardErr == nil {
		g.items, g.itemsErr = gql.ReadBoard(ctx, g.c, typ, prj.Owner, prj.Number)
	}
	return g
}

func listWorkflows(ctx context.Context, c *ghclient.Client, owner, name string) ([]*github.Workflow, error) {
	var all []*github.Workflow
	opts := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := c.REST.Actions.ListWorkflows(ctx, owner, name, opts)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Workflows...)
		if resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

func (d *doctor) tokenChecks(g *remote) {
	s, cfg := d.o.Settings, d.cfg
	newToken := fmt.Sprintf("create a classic personal access token as %s at %s and export it as %s",
		cfg.Dispatcher, tokenURL(s.APIURL, g.repo != nil && g.repo.Private), ghclient.EnvDispatchToken)
	switch {
	case errors.Is(g.whoErr, errAppToken):
		d.add("dispatch-token", Fail, ghclient.EnvDispatchToken+" is a GitHub App's token, such as GITHUB_TOKEN: comments it posts start no workflow, and it cannot reach Projects v2", newToken)
	case g.whoErr != nil:
		d.add("dispatch-token", Fail, ghclient.EnvDispatchToken+": "+g.whoErr.Error(), newToken)
	case g.who.Type != "User":
		d.add("dispatch-token", Fail, fmt.Sprintf("%s belongs to %s, a %s: claude-code-action only answers people", ghclient.EnvDispatchToken, g.who.Login, strings.ToLower(g.who.Type)), newToken)
	case !strings.EqualFold(g.who.Login, cfg.Dispatcher):
		d.add("dispatch-token", Fail,
			fmt.Sprintf("%s belongs to %s, but %s names %s as the dispatcher: the inner workflow runs only for the dispatcher's comments", ghclient.EnvDispatchToken, g.who.Login, policy.ConfigFile, cfg.Dispatcher),
			fmt.Sprintf("use %s's token, or set \"dispatcher\": %q in %s and run \"nanobots update\"", cfg.Dispatcher, g.who.Login, policy.ConfigFile))
	default:
		d.pass("dispatch-token", "%s belongs to %s, a person, the dispatcher", ghclient.EnvDispatchToken, g.who.Login)
	}

	if g.whoErr != nil {
		d.skip("token-scopes", "GitHub did not accept "+ghclient.EnvDispatchToken)
	} else {
		res, detail, fix := scopesCheck(g.who, cfg.Project.OwnerType, g.repo)
		if fix != "" {
			fix += " (" + tokenURL(s.APIURL, g.repo != nil && g.repo.Private) + " makes a new one)"
		}
		d.add("token-scopes", res, detail, fix)
	}

	switch {
	case s.Token == "":
		d.pass("github-token", "%s is not set here; in Actions it is the workflow's own token, apart from %s", ghclient.EnvToken, ghclient.EnvDispatchToken)
	case subtle.ConstantTimeCompare([]byte(s.Token.Reveal()), []byte(s.DispatchToken.Reveal())) == 1:
		d.add("github-token", Fail, ghclient.EnvToken+" and "+ghclient.EnvDispatchToken+" are the same token: the loop would do as the dispatcher what it should do as the workflow",
			"let "+ghclient.EnvToken+" be the workflow's own token (secrets.GITHUB_TOKEN), and "+ghclient.EnvDispatchToken+" the dispatcher's PAT (secrets."+ghclient.EnvDispatchToken+")")
	default:
		d.pass("github-token", "%s is set, and is not the dispatch token", ghclient.EnvToken)
	}
}

// scopesCheck judges the dispatch token's scopes for a board of ownerType
// and the repository (nil when it could not be read).
func scopesCheck(who identity, ownerType string, repo *gql.SetupRepo) (Verdict, string, string) {
	if !who.Classic {
		if ownerType == "user" {
			return Fail, "the token reports no scopes: it is a fine-grained token, which cannot reach a user's board",
				"use a classic personal access token with the project and repo scopes"
		}
		return Warn, "the token reports no scopes: it is a fine-grained token; it needs the organization's Projects (read and write) and the repository's Issues (read and write) permissions, which the board and repository checks try",
			""
	}
	repoScope := "public_repo"
	if repo != nil && repo.Private {
		repoScope = "repo"
	}
	have := strings.Join(who.Scopes, ", ")
	if have == "" {
		have = "none"
	}
	var missing []string
	if !hasScope(who.Scopes, "project") {
		missing = append(missing, "project")
	}
	if !hasScope(who.Scopes, repoScope) {
		missing = append(missing, repoScope)
	}
	if len(missing) > 0 {
		why := "project: the board is read and written with it"
		if missing[0] != "project" || len(missing) > 1 {
			why = "project for the board, " + repoScope + " for the repository's issues"
		}
		return Fail, fmt.Sprintf("the classic token has %s; it lacks %s (%s)", have, strings.Join(missing, " and "), why),
			"add " + strings.Join(missing, " and ") + " to the token's scopes at Settings → Developer settings → Personal access tokens (tokens classic)"
	}
	return Pass, fmt.Sprintf("the classic token has %s", have), ""
}

func (d *doctor) repoCheck(g *remote) {
	cfg, s := d.cfg, d.o.Settings
	switch {
	case s.Repository != "" && !strings.EqualFold(s.Repository, cfg.Repo):
		d.add("repository", Fail, fmt.Sprintf("%s is %s, but %s says %s", ghclient.EnvRepository, s.Repository, policy.ConfigFile, cfg.Repo),
			fmt.Sprintf("run doctor for %s, or correct \"repo\" in %s", s.Repository, policy.ConfigFile))
	case g.repoErr != nil:
		d.add("repository", Fail, fmt.Sprintf("%s cannot be read as %s: %v", cfg.Repo, g.who.Login, g.repoErr),
			fmt.Sprintf("check \"repo\" in %s; a private repository needs the repo scope and %s as a collaborator", policy.ConfigFile, g.who.Login))
	default:
		switch g.repo.ViewerPermission {
		case "ADMIN", "MAINTAIN", "WRITE":
			d.pass("repository", "%s: %s has %s access", cfg.Repo, g.who.Login, strings.ToLower(g.repo.ViewerPermission))
		default:
			perm := strings.ToLower(g.repo.ViewerPermission)
			if perm == "" {
				perm = "no"
			}
			d.add("repository", Fail,
				fmt.Sprintf("%s has %s access to %s: claude-code-action ignores comments from people without write access, so no dispatch would start", g.who.Login, perm, cfg.Repo),
				fmt.Sprintf("give %s the Write role (or higher) at %s", g.who.Login, webURL(s.APIURL, "/"+cfg.Repo+"/settings/access")))
		}
	}
}

func (d *doctor) workflowsCheck(g *remote) {
	if g.workflowsErr != nil {
		d.add("workflows", Fail, fmt.Sprintf("list the workflows of %s: %v", d.cfg.Repo, g.workflowsErr), "")
		return
	}
	var problems []string
	fix := ""
	for _, path := range loopWorkflows {
		var wf *github.Workflow
		for _, w := range g.workflows {
			if w.GetPath() == path {
				wf = w
			}
		}
		base := filepath.Base(path)
		switch {
		case wf == nil:
			problems = append(problems, base+" is not on the default branch")
			fix = "commit and push .github/workflows/nanobots-outer.yml and nanobots-inner.yml to the default branch"
		case wf.GetState() != "active":
			why := ""
			if wf.GetState() == "disabled_inactivity" {
				why = ": GitHub disables a public repository's scheduled workflows after 60 days without activity"
			}
			problems = append(problems, fmt.Sprintf("%s is %s%s", base, wf.GetState(), why))
			if fix == "" {
				fix = fmt.Sprintf("enable it in the repository's Actions tab (\"Enable workflow\"), or run \"gh workflow enable %s\"", base)
			}
		}
	}
	if len(problems) > 0 {
		d.add("workflows", Fail, strings.Join(problems, "; "), fix)
		return
	}
	d.pass("workflows", "nanobots-outer.yml and nanobots-inner.yml are on the default branch and active")
}

func (d *doctor) boardChecks(g *remote) {
	cfg, prj := d.cfg, d.cfg.Project
	name := fmt.Sprintf("%s/%d", prj.Owner, prj.Number)
	fieldIDs := map[string]string{policy.FieldStatus: "field-status", policy.FieldPriority: "field-priority", policy.FieldSize: "field-size"}
	skipRest := func(why string) {
		for _, id := range []string{"field-status", "field-priority", "field-size", "board-link"} {
			d.skip(id, why)
		}
	}
	if g.boardErr != nil {
		switch {
		case errors.Is(g.boardErr, ghclient.ErrInsufficientScopes) && !hasScope(g.who.Scopes, "read:project") && g.who.Classic:
			d.skip("board", "the token lacks the project scope (see token-scopes)")
		case g.otherType:
			other := "user"
			if prj.OwnerType == "user" {
				other = "organization"
			}
			d.add("board", Fail, fmt.Sprintf("%s is %s, not %s: board %s is found as the %s's", prj.Owner, article(other), article(prj.OwnerType), name, other),
				fmt.Sprintf("set \"owner_type\": %q under \"project\" in %s", other, policy.ConfigFile))
		case errors.Is(g.boardErr, ghclient.ErrNotFound):
			kind := "users"
			if prj.OwnerType == "organization" {
				kind = "orgs"
			}
			d.add("board", Fail, fmt.Sprintf("board %s is not found, or %s cannot see it: %v", name, g.who.Login, g.boardErr),
				fmt.Sprintf("check \"project\" in %s against the board's address (%s), and that %s can open it",
					policy.ConfigFile, webURL(d.o.Settings.APIURL, fmt.Sprintf("/%s/%s/projects/%d", kind, prj.Owner, prj.Number)), g.who.Login))
		default:
			d.add("board", Fail, fmt.Sprintf("read board %s: %v", name, g.boardErr), "")
		}
		skipRest("the board was not read")
		return
	}
	d.pass("board", "%s %q (%s), %s", name, g.board.Title, prj.OwnerType, g.board.URL)

	for _, spec := range wantFields(d.rubric) {
		id := fieldIDs[spec.Name]
		if !d.rubricOK && spec.Name != policy.FieldStatus {
			d.skip(id, "its options come from "+policy.TriageFile)
			continue
		}
		f := g.board.Field(spec.Name)
		switch {
		case f == nil && spec.Name == policy.FieldStatus:
			d.add(id, Fail, "the board has no Status field", "every board has one: rename the field that was renamed back to \"Status\"")
		case f == nil:
			d.add(id, Fail, fmt.Sprintf("the board has no %s field (%s)", spec.Name, names(spec.Options)), "run \"nanobots bootstrap\": it creates it")
		case f.DataType != "SINGLE_SELECT":
			d.add(id, Fail, fmt.Sprintf("%s is a %s field, not a single-select one", spec.Name, f.DataType),
				"rename or delete it in the board's settings, then run \"nanobots bootstrap\"")
		default:
			extra := ""
			if e := extraOptions(f, spec.Options); len(e) > 0 {
				extra = " (and " + strings.Join(e, ", ") + ", which the loop leaves alone)"
			}
			if missing := missingOptions(f, spec.Options); len(missing) > 0 {
				d.add(id, Fail, fmt.Sprintf("%s lacks %s%s", spec.Name, strings.Join(missing, ", "), extra),
					"run \"nanobots bootstrap\": it adds them and keeps every option there is")
			} else {
				d.pass(id, "%s has %s%s", spec.Name, names(spec.Options), extra)
			}
		}
	}

	if g.board.Linked(cfg.Repo) {
		d.pass("board-link", "board %s is linked to %s", name, cfg.Repo)
	} else {
		d.add("board-link", Warn, fmt.Sprintf("board %s is not linked to %s (the loop works without; people find the board from the repository's Projects tab)", name, cfg.Repo),
			"run \"nanobots bootstrap --link\"")
	}
}

// article says "a user" or "an organization".
func article(ownerType string) string {
	if ownerType == "organization" {
		return "an organization"
	}
	return "a " + ownerType
}

func (d *doctor) labelsCheck(g *remote) {
	if g.labelsErr != nil {
		d.add("labels", Fail, g.labelsErr.Error(), "")
		return
	}
	var missing, have []string
	for _, l := range d.cfg.LoopLabels() {
		if findLabel(g.labels, l.Name) == nil {
			missing = append(missing, l.Name)
		} else {
			have = append(have, l.Name)
		}
	}
	if len(missing) > 0 {
		detail := fmt.Sprintf("%s lacks the labels %s", d.cfg.Repo, strings.Join(missing, ", "))
		if findLabel(g.labels, d.cfg.Labels.Inbox) == nil {
			// The loop finds new work by this label alone.
			detail += fmt.Sprintf(": every issue form adds %s, and GitHub drops a form's label that does not exist, so no issue filed through a form would reach the loop",
				d.cfg.Labels.Inbox)
		}
		d.add("labels", Fail, detail, "run \"nanobots bootstrap\": it creates them (issue forms drop a label that does not exist)")
		return
	}
	d.pass("labels", "%s has %s", d.cfg.Repo, strings.Join(have, ", "))
}

func (d *doctor) statusIssueCheck(g *remote) {
	cfg := d.cfg
	if g.repoErr != nil {
		d.skip("status-issue", "the repository was not read")
		return
	}
	si := ledger.Trust{Dispatcher: cfg.Dispatcher}.StatusIssue(g.repo.Labelled)
	found := si != nil
	full := len(g.repo.Pinned) >= maxPinned
	noRoom := fmt.Sprintf("%s pins %d issues already (%s), GitHub's most", cfg.Repo, maxPinned, issueList(g.repo.Pinned))
	unpin := "unpin one of them (on the issue's page, \"Unpin issue\"), then run \"nanobots bootstrap\""
	switch {
	case found && si.State == "OPEN" && si.Pinned:
		d.pass("status-issue", "#%d %q is open and pinned", si.Number, si.Title)
	case !found && full:
		d.add("status-issue", Fail, "there is no status issue, and "+noRoom, unpin)
	case !found:
		d.add("status-issue", Fail, fmt.Sprintf("there is no status issue (labelled %s, written by %s, with the marker)", policy.LabelStatus, cfg.Dispatcher),
			"run \"nanobots bootstrap\": it creates and pins it")
	case full:
		d.add("status-issue", Fail, fmt.Sprintf("#%d is not pinned, and %s", si.Number, noRoom), unpin)
	case si.State != "OPEN":
		d.add("status-issue", Fail, fmt.Sprintf("#%d is closed", si.Number), "run \"nanobots bootstrap\": it reopens and pins it")
	default:
		d.add("status-issue", Fail, fmt.Sprintf("#%d is not pinned", si.Number), "run \"nanobots bootstrap\": it pins it")
	}
}

// cycleAllowance is the GraphQL points budgeted for a cycle beyond reading
// the board: the issue reads and the writes around it.
const cycleAllowance = 10

func (d *doctor) rateCheck(g *remote) {
	if g.boardErr != nil || g.itemsErr != nil {
		d.skip("rate-limit", "what a cycle costs is measured by reading the board")
		return
	}
	perCycle := g.items.Points + cycleAllowance
	perHour := cyclesPerHour(d.cfg.Schedule)
	hourly := perCycle * perHour
	rate, _ := g.c.Rate.Get("graphql")
	limit, remaining := rate.Limit, g.items.Remaining
	if limit == 0 {
		limit = 5000
	}
	reset := ""
	if !rate.Reset.IsZero() {
		reset = fmt.Sprintf(" until %s UTC", rate.Reset.UTC().Format("15:04"))
	}
	cost := fmt.Sprintf("a cycle reads %s for %d points (budget %d with its other reads and writes); %d cycles an hour need %d of %d points",
		plural(len(g.items.Items), "item"), g.items.Points, perCycle, perHour, hourly, limit)
	switch {
	case remaining < perCycle:
		d.add("rate-limit", Fail, fmt.Sprintf("%d GraphQL points left%s; %s", remaining, reset, cost),
			"wait for the limit to reset; the token's other users (scripts, gh) share its 5,000 points an hour")
	case hourly > limit:
		d.add("rate-limit", Fail, cost, "run the loop less often (\"schedule\" in "+policy.ConfigFile+", then \"nanobots update\"), or archive Done items")
	case hourly > limit/2:
		d.add("rate-limit", Warn, cost+"; more than half the token's budget, which its other users share",
			"run the loop less often, or archive Done items")
	default:
		d.pass("rate-limit", "%d GraphQL points left%s; %s", remaining, reset, cost)
	}
}

// flatten lists the errors an errors.Join (of errors.Joins) holds.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
