// Package setup makes a repository and its Projects v2 board ready for the
// outer loop (`nanobots bootstrap`) and says what is not ready and how to fix
// it (`nanobots doctor`), before the first cron run finds out the hard way.
//
// Both read the repository's own .nanobots/ files and talk to GitHub with the
// dispatch token (NANOBOTS_DISPATCH_TOKEN), the identity the loop writes the
// board and dispatches with. This package must never print a token, never
// undo a maintainer's choice (an option they added, a label's colour, an
// issue they pinned), and never create a second Status field.
package setup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/nanobots-dev/nanobots/internal/ghclient"
	"github.com/nanobots-dev/nanobots/ledger"
)

// Options are what both commands act on.
type Options struct {
	// Dir is the repository's work tree, with .nanobots/ at its root.
	Dir string
	// Settings says where GitHub is and holds the tokens.
	Settings ghclient.Settings
	// ClientOptions adjust the GitHub client (tests inject a clock).
	ClientOptions []ghclient.Option
}

// client connects with the dispatch token.
func (o Options) client() (*ghclient.Client, error) {
	return ghclient.New(o.Settings, o.Settings.DispatchToken, o.ClientOptions...)
}

// identity is who a token belongs to, and what GitHub says it may do.
type identity struct {
	Login string
	Type  string // User, Bot, Organization
	// Scopes are a classic token's scopes, from X-OAuth-Scopes.
	Scopes []string
	// Classic is true when GitHub sent X-OAuth-Scopes at all: it does for
	// classic PATs and OAuth tokens, not for fine-grained PATs or app tokens.
	Classic bool
}

// errAppToken is GitHub's answer to GET /user from a GitHub App
// installation token, such as GITHUB_TOKEN.
var errAppToken = errors.New("the token is a GitHub App's (such as GITHUB_TOKEN), not a person's")

// whoAmI asks GitHub who the client's token belongs to.
func whoAmI(ctx context.Context, c *ghclient.Client) (identity, error) {
	u, resp, err := c.REST.Users.Get(ctx, "")
	if err = ghclient.Classify(err); err != nil {
		var re *ghclient.RESTError
		switch {
		case errors.As(err, &re) && re.Status == http.StatusUnauthorized:
			return identity{}, fmt.Errorf("GitHub refused the token (401 %s): it is mistyped, expired or revoked", re.Message)
		case errors.Is(err, ghclient.ErrAppToken):
			return identity{}, errAppToken
		}
		return identity{}, fmt.Errorf("ask GitHub who the token belongs to: %w", err)
	}
	id := identity{Login: u.GetLogin(), Type: u.GetType()}
	if vals, ok := resp.Header[http.CanonicalHeaderKey("X-OAuth-Scopes")]; ok {
		id.Classic = true
		for _, v := range vals {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					id.Scopes = append(id.Scopes, s)
				}
			}
		}
	}
	return id, nil
}

// hasScope reports whether scopes grant want, counting the scopes that
// include others (repo includes public_repo; project includes read:project).
func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want || (want == "public_repo" && s == "repo") || (want == "read:project" && s == "project") {
			return true
		}
	}
	return false
}

// listLabels reads every label of the repository, 100 a page.
func listLabels(ctx context.Context, c *ghclient.Client, owner, name string) ([]*github.Label, error) {
	var all []*github.Label
	opts := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := c.REST.Issues.ListLabels(ctx, owner, name, opts)
		if err != nil {
			return nil, fmt.Errorf("list the labels of %s/%s: %w", owner, name, err)
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

// findLabel returns the label named name (GitHub matches names without
// regard to case), or nil.
func findLabel(labels []*github.Label, name string) *github.Label {
	for _, l := range labels {
		if strings.EqualFold(l.GetName(), name) {
			return l
		}
	}
	return nil
}

// statusBody is what bootstrap writes into a new status issue; the loop
// rewrites it on its next cycle.
var statusBody = ledger.StatusMarker + "\nThe nanobots loop fills this issue in on its next cycle.\n"

// webURL is the github.com (or Enterprise Server) address for a path, from
// the REST base: https://api.github.com → https://github.com,
// https://ghe.example.com/api/v3 → https://ghe.example.com.
func webURL(apiURL, path string) string {
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" {
		return "https://github.com" + path
	}
	if u.Host == "api.github.com" {
		return "https://github.com" + path
	}
	base := strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v3")
	return u.Scheme + "://" + u.Host + base + path
}

// tokenURL is where a maintainer creates the classic token the loop needs,
// with the scopes ticked.
func tokenURL(apiURL string, private bool) string {
	scopes := "project,public_repo"
	if private {
		scopes = "project,repo"
	}
	return webURL(apiURL, "/settings/tokens/new?scopes="+scopes+"&description=nanobots")
}
