// Package templates holds the files `nanobots init` renders into a repository,
// embedded in the binary so a repository depends on nothing but the released
// nanobots. It is data only: it must never hold logic, render anything itself,
// or know which files are engine-owned (package scaffold decides that).
//
// Templates use [[ and ]] as delimiters, because the files themselves contain
// GitHub's ${{ }} expressions and the prompts contain the {{ }} placeholders
// the outer loop fills in at run time.
package templates

import "embed"

// FS holds every template under files/, at the path it is rendered to plus a
// ".tmpl" suffix. The all: prefix embeds .github/ and .nanobots/, which a
// plain pattern would skip as hidden.
//
//go:embed all:files
var FS embed.FS
