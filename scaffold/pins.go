package scaffold

import "fmt"

// Pin is one GitHub Action at a release, by the commit its tag points to.
type Pin struct {
	Action  string // owner/repo
	Version string // the release tag, written beside the SHA as a comment
	SHA     string // the tag's target commit, 40 hex digits
}

// Pins is the one table every rendered workflow takes its actions from. A
// workflow pins by full commit SHA, because a tag can be moved and a SHA
// cannot. Each SHA was read from the action's own repository (see PINS.md in
// the project's shared notes); never add one that was not: a made-up SHA looks
// safe and breaks every run.
var Pins = []Pin{
	{Action: "actions/checkout", Version: "v7.0.1", SHA: "3d3c42e5aac5ba805825da76410c181273ba90b1"},
	{Action: "actions/setup-go", Version: "v7.0.0", SHA: "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e"},
	// The nanobots action (action.yml) caches the binary with it.
	{Action: "actions/cache", Version: "v5.0.5", SHA: "27d5ce7f107fe9357f9df03efb73ab90386fccae"},
	{Action: "anthropics/claude-code-action", Version: "v1.0.200", SHA: "24dcd50c0568f0fc9e9211213a4fd2d9eb15c4e0"},
}

// pinned renders the `uses:` value for action, e.g.
// "actions/checkout@3d3c…b1 # v7.0.1".
func pinned(action string) (string, error) {
	for _, p := range Pins {
		if p.Action == action {
			return fmt.Sprintf("%s@%s # %s", p.Action, p.SHA, p.Version), nil
		}
	}
	return "", fmt.Errorf("no pin for action %q: add it to scaffold.Pins with a verified SHA", action)
}
