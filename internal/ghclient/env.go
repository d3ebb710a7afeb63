package ghclient

import (
	"fmt"
	"net/url"
	"strings"
)

// The environment variables GitHub Actions sets, read under the same names
// locally, so pointing the binary at GitHub Enterprise Server or at the
// simulator takes two URLs and nothing else.
const (
	EnvAPIURL        = "GITHUB_API_URL"
	EnvGraphQLURL    = "GITHUB_GRAPHQL_URL"
	EnvRepository    = "GITHUB_REPOSITORY"
	EnvToken         = "GITHUB_TOKEN"
	EnvDispatchToken = "NANOBOTS_DISPATCH_TOKEN"
)

// DefaultAPIURL is api.github.com's REST base.
const DefaultAPIURL = "https://api.github.com"

// Secret holds a token. Every way of formatting it prints a redaction, so a
// token cannot reach a log, a comment or an error message by accident; only
// Reveal gives the value, and only the transport calls it.
type Secret string

// Reveal returns the token itself.
func (s Secret) Reveal() string { return string(s) }

// String redacts the token.
func (s Secret) String() string {
	if s == "" {
		return "(unset)"
	}
	return "***"
}

// GoString redacts the token under %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalText redacts the token in JSON and other encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Settings is where nanobots finds GitHub and who it is there.
type Settings struct {
	// APIURL is the REST base, e.g. https://api.github.com or
	// https://ghe.example.com/api/v3.
	APIURL string
	// GraphQLURL is the GraphQL endpoint, e.g. https://api.github.com/graphql.
	GraphQLURL string
	// Repository is "owner/name".
	Repository string
	// Token is GITHUB_TOKEN: labels, comments, the status issue, LEARNINGS.md.
	Token Secret
	// DispatchToken is a maintainer's classic PAT: the @claude comment must be
	// written with it, because events made with GITHUB_TOKEN start no workflow,
	// and Projects v2 is out of GITHUB_TOKEN's reach.
	DispatchToken Secret
}

// SettingsFromEnv reads Settings from the environment through getenv
// (os.Getenv in main, a map in tests). Unset URLs default to api.github.com;
// an unset GraphQL URL is derived from the REST one the way GitHub lays them
// out (/api/v3 → /api/graphql on Enterprise Server, /graphql otherwise).
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		APIURL:        strings.TrimSpace(getenv(EnvAPIURL)),
		GraphQLURL:    strings.TrimSpace(getenv(EnvGraphQLURL)),
		Repository:    strings.TrimSpace(getenv(EnvRepository)),
		Token:         Secret(strings.TrimSpace(getenv(EnvToken))),
		DispatchToken: Secret(strings.TrimSpace(getenv(EnvDispatchToken))),
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	s.APIURL = strings.TrimRight(s.APIURL, "/")
	if err := checkURL(EnvAPIURL, s.APIURL); err != nil {
		return Settings{}, err
	}
	if s.GraphQLURL == "" {
		s.GraphQLURL = graphQLURLFor(s.APIURL)
	}
	if err := checkURL(EnvGraphQLURL, s.GraphQLURL); err != nil {
		return Settings{}, err
	}
	if s.Repository != "" {
		if _, _, err := SplitRepository(s.Repository); err != nil {
			return Settings{}, fmt.Errorf("%s: %w", EnvRepository, err)
		}
	}
	return s, nil
}

func graphQLURLFor(api string) string {
	if base, ok := strings.CutSuffix(api, "/api/v3"); ok {
		return base + "/api/graphql"
	}
	return api + "/graphql"
}

func checkURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s=%q is not an http(s) URL; set it to the REST base, e.g. %q", name, raw, DefaultAPIURL)
	}
	return nil
}

// SplitRepository splits "owner/name".
func SplitRepository(full string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(full, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("repository %q is not of the form owner/name", full)
	}
	return owner, name, nil
}
