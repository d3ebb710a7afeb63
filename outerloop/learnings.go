package outerloop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/gql"
	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
	"github.com/nanobots-dev/nanobots/outerloop/plan"
	"github.com/nanobots-dev/nanobots/policy"
)

// maxLearnTries bounds the read-append-write rounds when another write
// moves LEARNINGS.md between the read and the write.
const maxLearnTries = 3

// learn appends a Learn action's entry to LEARNINGS.md on the learnings
// branch, then opens a distill issue if enough entries have gathered.
func (a *applier) learn(ctx context.Context, d *plan.Done) error {
	cl := a.c.bot()
	owner, repo := splitRepo(a.s.Repo)
	l := learningsFile{cl: cl, owner: owner, repo: repo, branch: a.p.Config.Learnings.Branch, defaultBranch: a.s.DefaultBranch}
	ms := ledger.ParseMarkers(d.Body)
	if len(ms) == 0 || ms[0].Kind != ledger.MarkLearned {
		return fmt.Errorf("the entry does not open with its %s marker", ledger.MarkLearned)
	}
	file, url, err := l.append(ctx, d.Body, ms[0])
	if err != nil {
		return err
	}
	if url == "" {
		d.Skipped, d.Skip = fmt.Sprintf("the entry is in %s on %s already", plan.LearningsFile, l.branch), plan.SkipLearned
	}
	d.URL = url
	return a.distill(ctx, l, file)
}

// distillNext opens the next distill issue when one reached Done and
// enough entries have gathered since it: only one is open at a time, so
// entries appended while it was open wait for this moment. It writes
// nothing else: no branch is made when there is none.
func (a *applier) distillNext(ctx context.Context) error {
	owner, repo := splitRepo(a.s.Repo)
	l := learningsFile{cl: a.c.bot(), owner: owner, repo: repo, branch: a.p.Config.Learnings.Branch, defaultBranch: a.s.DefaultBranch}
	file, _, err := l.get(ctx, l.branch)
	if errors.Is(err, ghclient.ErrNotFound) {
		return nil // no entries yet
	}
	if err != nil {
		return err
	}
	return a.distill(ctx, l, file)
}

// learningsFile is LEARNINGS.md on the learnings branch of one repository.
type learningsFile struct {
	cl                  *ghclient.Client
	owner, repo, branch string
	defaultBranch       string
}

// append adds entry, marked m, to the file unless it is there already, and
// returns the file as it now is and the commit's address ("" when nothing
// was written). The contents API's precondition is the file's blob SHA, so
// a write that moved the file between the read and the write answers 409:
// read again and retry, at most maxLearnTries times.
func (l *learningsFile) append(ctx context.Context, entry string, m ledger.Marker) (file, url string, err error) {
	if err := l.checkBranch(); err != nil {
		return "", "", err
	}
	for try := 1; ; try++ {
		content, sha, err := l.read(ctx)
		if err != nil {
			return "", "", err
		}
		if plan.HasEntry(content, m) {
			return content, "", nil
		}
		next := strings.TrimRight(content, "\n") + "\n\n" + strings.TrimSpace(entry) + "\n"
		opts := &github.RepositoryContentFileOptions{
			Message: github.String(fmt.Sprintf("LEARNINGS: #%s (pull request #%s)", m.Fields["issue"], m.Fields["pr"])),
			Content: []byte(next),
			Branch:  github.String(l.branch),
		}
		if sha != "" {
			opts.SHA = github.String(sha)
		}
		res, _, err := l.cl.REST.Repositories.UpdateFile(ctx, l.owner, l.repo, plan.LearningsFile, opts)
		if err == nil {
			return next, res.Commit.GetHTMLURL(), nil
		}
		// A stale sha means another write moved the file: read it again.
		if err = ghclient.Classify(err); !errors.Is(err, ghclient.ErrConflict) {
			return "", "", fmt.Errorf("write %s on %s: %w%s", plan.LearningsFile, l.branch, err, pushHint(err))
		}
		if try == maxLearnTries {
			return "", "", fmt.Errorf("write %s on %s: the file changed under each of %d tries: %w", plan.LearningsFile, l.branch, try, err)
		}
	}
}

// checkBranch refuses to write to the default branch (observe read its
// name).
func (l *learningsFile) checkBranch() error {
	if strings.EqualFold(l.branch, l.defaultBranch) {
		return fmt.Errorf("learnings.branch in %s is %q, the default branch: the loop never pushes there; name a branch of its own, such as \"nanobots/learnings\"", policy.ConfigFile, l.branch)
	}
	return nil
}

// read returns LEARNINGS.md on the learnings branch and its blob SHA. It
// creates the branch from the default branch when it is missing; a branch
// without the file starts from the default branch's copy, or from a short
// header when the default branch has none (sha is then "").
func (l *learningsFile) read(ctx context.Context) (content, sha string, err error) {
	content, sha, err = l.get(ctx, l.branch)
	if !errors.Is(err, ghclient.ErrNotFound) {
		return content, sha, err
	}
	_, _, err = l.cl.REST.Git.GetRef(ctx, l.owner, l.repo, "heads/"+l.branch)
	if err = ghclient.Classify(err); errors.Is(err, ghclient.ErrNotFound) {
		if err := l.createBranch(ctx); err != nil {
			return "", "", err
		}
		content, sha, err = l.get(ctx, l.branch)
		if errors.Is(err, ghclient.ErrNotFound) {
			return plan.LearningsHeader, "", nil // the default branch has none either
		}
		return content, sha, err
	} else if err != nil {
		return "", "", fmt.Errorf("read branch %s: %w", l.branch, err)
	}
	content, _, err = l.get(ctx, l.defaultBranch)
	switch {
	case errors.Is(err, ghclient.ErrNotFound):
		return plan.LearningsHeader, "", nil
	case err != nil:
		return "", "", err
	}
	return content, "", nil
}

// get reads LearningsFile at ref. Its errors are classified: a missing
// file or ref is ghclient.ErrNotFound.
func (l *learningsFile) get(ctx context.Context, ref string) (content, sha string, err error) {
	f, _, _, err := l.cl.REST.Repositories.GetContents(ctx, l.owner, l.repo, plan.LearningsFile, &github.RepositoryContentGetOptions{Ref: ref})
	if err = ghclient.Classify(err); err != nil {
		if errors.Is(err, ghclient.ErrNotFound) {
			return "", "", err
		}
		return "", "", fmt.Errorf("read %s on %s: %w", plan.LearningsFile, ref, err)
	}
	if f == nil {
		return "", "", fmt.Errorf("read %s on %s: a directory, not a file: move it away", plan.LearningsFile, ref)
	}
	if f.GetEncoding() == "none" {
		// Over 1 MB, the contents API names the blob but sends no content:
		// read the bytes with the raw media type.
		raw, err := l.raw(ctx, ref)
		return raw, f.GetSHA(), err
	}
	content, err = f.GetContent()
	if err != nil {
		return "", "", fmt.Errorf("read %s on %s: %w", plan.LearningsFile, ref, err)
	}
	return content, f.GetSHA(), nil
}

// raw reads LearningsFile at ref as its bytes (the raw media type), which
// the contents API serves up to 100 MB.
func (l *learningsFile) raw(ctx context.Context, ref string) (string, error) {
	u := fmt.Sprintf("repos/%s/%s/contents/%s?ref=%s", l.owner, l.repo, plan.LearningsFile, url.QueryEscape(ref))
	req, err := l.cl.REST.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/vnd.github.raw+json")
	var buf bytes.Buffer
	if _, err := l.cl.REST.Do(ctx, req, &buf); err != nil {
		return "", fmt.Errorf("read %s on %s as raw bytes: %w", plan.LearningsFile, ref, ghclient.Classify(err))
	}
	return buf.String(), nil
}

// createBranch points the learnings branch at the default branch's head.
func (l *learningsFile) createBranch(ctx context.Context) error {
	head, _, err := l.cl.REST.Git.GetRef(ctx, l.owner, l.repo, "heads/"+l.defaultBranch)
	if err != nil {
		return fmt.Errorf("read the default branch %s: %w", l.defaultBranch, err)
	}
	_, _, err = l.cl.REST.Git.CreateRef(ctx, l.owner, l.repo, &github.Reference{
		Ref: github.String("refs/heads/" + l.branch), Object: &github.GitObject{SHA: head.Object.SHA},
	})
	if err = ghclient.Classify(err); err != nil && !errors.Is(err, ghclient.ErrAlreadyExists) { // another writer made it first: fine
		return fmt.Errorf("create the branch %s from %s: %w", l.branch, l.defaultBranch, err)
	}
	return nil
}

// pushHint says how to fix a write the learnings branch refused: by its
// rules, or because the token may not push there.
func pushHint(err error) string {
	if errors.Is(err, ghclient.ErrProtected) || errors.Is(err, ghclient.ErrForbidden) || errors.Is(err, ghclient.ErrNotFound) {
		return fmt.Sprintf(" (the branch must accept direct pushes by this token, with contents: write: lift its rules, or set learnings.branch in %s to an unprotected branch)", policy.ConfigFile)
	}
	return ""
}

// distill opens one distill issue when file holds distill_threshold
// entries more than the newest distill issue covered, and none is open.
// The issue goes on the board as Ready, so the normal dispatch sends it.
func (a *applier) distill(ctx context.Context, l learningsFile, file string) error {
	entries := plan.LearnedEntries(file)
	issues, _, err := l.cl.REST.Issues.ListByRepo(ctx, l.owner, l.repo, &github.IssueListByRepoOptions{
		Labels: []string{policy.LabelDistill}, State: "all", Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 30},
	})
	if err != nil {
		return fmt.Errorf("list the distill issues: %w", err)
	}
	trust := a.s.Trust
	covered, seen := 0, false
	for _, is := range issues {
		if is.IsPullRequest() || !trust.Trusted(gql.Actor{Login: is.GetUser().GetLogin(), Type: is.GetUser().GetType()}) {
			continue
		}
		var m *ledger.Marker
		for _, mk := range ledger.ParseMarkers(is.GetBody()) {
			if mk.Kind == ledger.MarkDistill {
				m = &mk
				break
			}
		}
		if m == nil {
			continue
		}
		if is.GetState() == "open" {
			// One at a time. One with the inbox label is put on the board
			// by the intake of the next cycle, which reads it afresh (it
			// may be another cycle's duplicate, closed a moment later);
			// an older one, without it, is put there now.
			if plan.HasLabel(issueLabels(is), a.p.Config.Labels.Inbox) {
				return nil
			}
			return a.boardDistill(ctx, is)
		}
		if !seen {
			covered, seen = m.Int("entries"), true
		}
	}
	title, body, ok, err := plan.DistillIssue(entries, covered, a.p)
	if err != nil || !ok {
		return err
	}
	// The inbox label too: a cycle that stops before putting the issue on
	// the board leaves it where the next cycle's intake finds it.
	is, _, err := l.cl.REST.Issues.Create(ctx, l.owner, l.repo, &github.IssueRequest{
		Title:  github.String(title),
		Body:   github.String(body),
		Labels: &[]string{policy.LabelDistill, a.p.Config.Labels.Inbox},
	})
	if err != nil {
		return fmt.Errorf("open the distill issue: %w", err)
	}
	// Another cycle at the same time may have opened one first: it puts
	// it on the board; this one's is closed.
	if first, err := firstOpenIssue(ctx, l.cl, l.owner, l.repo, policy.LabelDistill, ledger.MarkDistill, is, trust); err != nil || first != nil {
		return err
	}
	return a.boardDistill(ctx, is)
}

func issueLabels(is *github.Issue) []string {
	var out []string
	for _, l := range is.Labels {
		out = append(out, l.GetName())
	}
	return out
}

// boardDistill puts an open distill issue on the board as Ready, unless it
// is on the board already (wherever it stands there).
func (a *applier) boardDistill(ctx context.Context, is *github.Issue) error {
	n := is.GetNumber()
	if a.items[n] != "" {
		return nil
	}
	id, err := gql.AddItem(ctx, a.c.Dispatch, a.s.Board.ID, is.GetNodeID())
	if err != nil {
		return fmt.Errorf("put distill issue #%d on the board: %w", n, err)
	}
	a.items[n] = id
	return a.setOption(ctx, n, policy.FieldStatus, policy.StatusReady)
}
