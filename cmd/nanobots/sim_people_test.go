package main

import (
	"strings"
	"testing"

	"github.com/nanobots-dev/nanobots/internal/ghsim"
)

func TestSimUserAddsPeople(t *testing.T) {
	w := ghsim.Demo(nil)
	if err := addPeople(w, []string{"eve:none", "tess:triage", "max:maintain", "mona:write"}); err != nil {
		t.Fatal(err)
	}
	r := w.Repo("octo/demo")
	for login, want := range map[string]string{"eve": "read", "tess": "triage", "max": "maintain", "mona": "write"} {
		// "none" on a public repository reads, as anyone may.
		if got := r.Permission(login); got != want {
			t.Errorf("%s: permission %q, want %q", login, got, want)
		}
	}
	if _, ok := r.Collaborators["eve"]; ok {
		t.Error("eve:none made eve a collaborator")
	}
}

func TestSimUserRefusesABadRole(t *testing.T) {
	code, _, errOut := runCLI(t, "sim", "--user", "eve:owner")
	if code == 0 || !strings.Contains(errOut, "LOGIN:ROLE") {
		t.Errorf("exit %d, stderr %q; want an error naming LOGIN:ROLE", code, errOut)
	}
}
