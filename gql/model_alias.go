package gql

import "github.com/nanobots-dev/nanobots/gql/model"

// The objects the documents decode into live in package model, which the
// planner imports without this package's client (githubv4, net/http); these
// are the same types under the names the rest of the code knows.
type (
	Board       = model.Board
	Field       = model.Field
	Option      = model.Option
	Item        = model.Item
	Content     = model.Content
	Ref         = model.Ref
	Issue       = model.Issue
	Actor       = model.Actor
	Comment     = model.Comment
	PullRequest = model.PullRequest
	Check       = model.Check
)
