package ledger_test

import (
	"testing"

	"github.com/nanobots-dev/nanobots/gql/model"
	"github.com/nanobots-dev/nanobots/ledger"
)

// TestStatusIssueTrustsOnlyTheDispatcher: the status issue is the oldest
// open one with the marker written by the dispatcher (any case) or the
// Actions bot, else the oldest such closed one; bootstrap, doctor and the
// loop all ask here.
func TestStatusIssueTrustsOnlyTheDispatcher(t *testing.T) {
	body := ledger.StatusMarker + "\nfilled in later\n"
	candidates := []model.Issue{
		{Number: 1, Author: model.Actor{Login: "mona", Type: "User"}, Body: body, State: "OPEN"},
		{Number: 2, Author: model.Actor{Login: "ada", Type: "User"}, Body: "no marker", State: "OPEN"},
		{Number: 3, Author: model.Actor{Login: "ada", Type: "User"}, Body: body, State: "CLOSED"},
		{Number: 4, Author: model.Actor{Login: "github-actions", Type: "Bot"}, Body: "<!-- nanobots:status hash=ab12 written=2026-11-21T09:07:00Z -->\nRewritten", State: "OPEN"},
	}
	if si := (ledger.Trust{Dispatcher: "ADA"}).StatusIssue(candidates); si == nil || si.Number != 4 {
		t.Errorf("got %v, want the open one by the Actions bot, #4", si)
	}
	if si := (ledger.Trust{Dispatcher: "ada"}).StatusIssue(candidates[:3]); si == nil || si.Number != 3 {
		t.Errorf("got %v, want the closed one by ada, #3", si)
	}
	if si := (ledger.Trust{Dispatcher: "ada"}).StatusIssue(candidates[:2]); si != nil {
		t.Errorf("got #%d: trusted mona's issue, or one without the marker", si.Number)
	}
	// A user who merely calls themself github-actions is not the bot.
	impostor := []model.Issue{{Number: 5, Author: model.Actor{Login: "github-actions", Type: "User"}, Body: body, State: "OPEN"}}
	if si := (ledger.Trust{Dispatcher: "ada"}).StatusIssue(impostor); si != nil {
		t.Errorf("trusted #%d by a user named github-actions", si.Number)
	}
}
