package restspec

// Served lists, by operationId exactly as api.github.com.json spells it, the
// REST operations the simulator answers. Load refuses an id the description
// does not have, so a rename upstream fails loudly instead of leaving a route
// unchecked.
//
// The order follows the resource, not the alphabet, so a reader can see which
// parts of GitHub nanobots touches.
var Served = []string{
	// Repositories and their people.
	"repos/get",
	"repos/list-collaborators",
	"repos/get-collaborator-permission-level",

	// Issues, their comments, labels and assignees.
	"issues/list-for-repo",
	"issues/create",
	"issues/get",
	"issues/update",
	"issues/list-comments",
	"issues/create-comment",
	"issues/get-comment",
	"issues/update-comment",
	"issues/delete-comment",
	"issues/add-labels",
	"issues/remove-label",
	"issues/add-assignees",
	"issues/list-labels-for-repo",
	"issues/create-label",
	"issues/get-label",
	"issues/update-label",
	"issues/list-events",

	// Files: .nanobots/LEARNINGS.md is read and written through these.
	"repos/get-content",
	"repos/create-or-update-file-contents",

	// Pull requests, branches and refs the scripted agent creates.
	"pulls/list",
	"pulls/get",
	"pulls/create",
	"pulls/merge",
	"pulls/update",
	"repos/create-fork",
	"git/list-matching-refs",
	"git/get-ref",
	"git/create-ref",
	"repos/get-branch",
	"repos/get-branch-protection", // doctor: who could approve the loop's pull requests

	// CI results.
	"checks/list-for-ref",
	"checks/create",
	"repos/get-combined-status-for-ref",
	"repos/create-commit-status",

	// Workflows.
	"actions/list-repo-workflows",
	"actions/get-workflow",
	"actions/enable-workflow",
	"actions/disable-workflow",

	// Users and limits.
	"users/get-authenticated",
	"users/get-by-username",
	"rate-limit/get",
}
