// Package scaffold decides what `nanobots init` and `nanobots update` write
// into a repository: it renders the embedded templates, stamps engine-owned
// files with an ownership marker, and brings them up to date with a three-way
// merge whose base it recovers from the repository's own git history.
//
// Its promise is that a person's work is never lost: a repo-owned file is
// written only when absent, and an engine-owned file a person edited is merged,
// or left alone with the new rendering written beside it. It must never
// overwrite an edit silently, never write outside the repository it was given,
// and never talk to GitHub; it reads git history through the local git binary.
package scaffold
