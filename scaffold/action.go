package scaffold

import (
	"fmt"
	"regexp"

	nbversion "github.com/nanobots-dev/nanobots/internal/version"
)

// EngineAction is the step of the outer workflow that installs nanobots:
// the root action.yml of version.Repository, pinned so that every cycle runs
// exactly the nanobots that rendered the workflow.
type EngineAction struct {
	// Uses is the step's `uses:` value, the ref followed by a comment that
	// says what it is: "nanobots-dev/nanobots@<commit> # v1.2.3".
	Uses string
	// Version is the release the action downloads and verifies; "" makes
	// it build nanobots from its own source at the pinned ref.
	Version string
	// Pinned is false when the rendering nanobots knows neither its commit
	// nor its release and no ref was given: the step then names a ref that
	// does not exist, so the job fails before anything runs, and says how
	// to pin one (see Unpinned).
	Pinned bool
}

// Unpinned is the ref the outer workflow names when the rendering build
// knows neither its commit nor its release (go run, or a build without VCS
// information) and no --action-ref was given. No such ref exists in
// version.Repository, so the job stops at "Set up job" instead of running a
// nanobots nobody chose: a floating ref such as a branch would run whatever
// is pushed next with the dispatch token.
const Unpinned = "unpinned"

// PinEngine returns the step that the outer workflow rendered by nanobots
// version, built from commit (or "" when unknown), installs nanobots with;
// ref, when not empty, is a ref given by a maintainer in place of commit.
func PinEngine(version, commit, ref string) (EngineAction, error) {
	return engineAction(Values{Version: version, Commit: commit, ActionRef: ref})
}

// refRE is what a ref given by a flag may look like: a commit, a tag or a
// branch name, nothing that could break out of the YAML line.
var refRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$`)

// engineAction decides how the outer workflow pins nanobots:
//
//   - a ref given by a flag: that ref, built from its source, and said so;
//   - a release that knows its commit: the commit, with the version in the
//     comment, and the release's verified asset installed;
//   - any other build that knows its commit: that commit, built from its
//     source, and said so;
//   - a release that does not know its commit (go install …@v1.2.3 records
//     none): the release tag, and said so;
//   - otherwise Unpinned, which fails safe.
func engineAction(v Values) (EngineAction, error) {
	repo := nbversion.Repository
	switch {
	case v.ActionRef != "":
		if !refRE.MatchString(v.ActionRef) || v.ActionRef == "latest" {
			return EngineAction{}, fmt.Errorf("action ref %q: want a commit SHA, a tag or a branch of %s", v.ActionRef, repo)
		}
		return EngineAction{Pinned: true, Uses: fmt.Sprintf("%s@%s # not a release: the ref given by --action-ref, built from its source", repo, v.ActionRef)}, nil
	case nbversion.IsCommit(v.Commit) && nbversion.IsRelease(v.Version):
		return EngineAction{Pinned: true, Version: v.Version, Uses: fmt.Sprintf("%s@%s # %s", repo, v.Commit, v.Version)}, nil
	case nbversion.IsCommit(v.Commit):
		return EngineAction{Pinned: true, Uses: fmt.Sprintf("%s@%s # not a release: nanobots %s was built from this commit, and the action builds it from source", repo, v.Commit, v.Version)}, nil
	case nbversion.IsRelease(v.Version):
		return EngineAction{Pinned: true, Version: v.Version, Uses: fmt.Sprintf("%s@%s # by tag: the nanobots that rendered this did not record its commit; \"nanobots update --action-ref <commit>\" pins one", repo, v.Version)}, nil
	}
	return EngineAction{Uses: fmt.Sprintf("%s@%s # not pinned: nanobots %s knows neither its commit nor its release, so this job fails before it runs; \"nanobots update --action-ref <commit>\" pins one", repo, Unpinned, v.Version)}, nil
}
