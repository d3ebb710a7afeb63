// Package schemas locates GitHub's published GraphQL schema and OpenAPI
// description on disk. scripts/fetch-schemas.sh downloads them, at pinned
// versions, into the git-ignored folder .schemas/ at the module root.
//
// It must never fall back to a copy of its own: a missing schema is an error
// that says how to fetch it, so nothing validates against a stale guess.
package schemas

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// EnvDir names the environment variable that overrides where the schemas are.
const EnvDir = "NANOBOTS_SCHEMA_DIR"

// The file names fetch-schemas.sh writes.
const (
	GraphQLFile = "schema.graphql"
	OpenAPIFile = "api.github.com.json"
)

// ErrMissing is wrapped by Dir when no folder holds the schemas.
var ErrMissing = errors.New("github schemas not found; run scripts/fetch-schemas.sh (or set " + EnvDir + ")")

// Dir returns the folder that holds both schema files: $NANOBOTS_SCHEMA_DIR
// when set, otherwise the first .schemas folder found walking up from the
// working directory.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if err := check(d); err != nil {
			return "", fmt.Errorf("%s=%q: %w", EnvDir, d, err)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, ".schemas")
		if check(cand) == nil {
			return cand, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", fmt.Errorf("looked in every .schemas folder above %q: %w", wd, ErrMissing)
		}
	}
}

// GraphQLPath returns the path of schema.graphql.
func GraphQLPath() (string, error) { return file(GraphQLFile) }

// OpenAPIPath returns the path of api.github.com.json.
func OpenAPIPath() (string, error) { return file(OpenAPIFile) }

func file(name string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, name), nil
}

func check(dir string) error {
	for _, name := range []string{GraphQLFile, OpenAPIFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("%s: %w", name, ErrMissing)
		}
	}
	return nil
}
