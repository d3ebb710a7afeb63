// Package plan is the outer loop's planner: a pure function from what one
// cycle saw of GitHub (a Snapshot), the repository's policy and the time to
// a Plan: every transition of the board's state machine, triage by the
// rubric, dispatch, following work to Done, what to learn, and what the
// status issue reports. It must never do I/O (no network, no files, no
// clock of its own) and never write into the snapshot it reads, so every
// decision can be tested from a table and a dry run is this plan printed.
package plan
