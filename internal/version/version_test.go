package version

import (
	"os"
	"strings"
	"testing"
)

func TestIsRelease(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.2.3":                               true,
		"v0.1.0-rc.1":                          true,
		"v1.2.3+meta":                          true,
		"dev":                                  false,
		"latest":                               false,
		"1.2.3":                                false,
		"v0.0.0-20261203212514-0a7d3932e86c":   false,
		"v1.2.4-0.20261203212514-0a7d3932e86c": false,
		"v0.0.0-20261203212514-0a7d3932e86c+dirty": false,
	} {
		if got := IsRelease(v); got != want {
			t.Errorf("IsRelease(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestGetPrefersLinkedValues(t *testing.T) {
	defer func(v, c, m string) { Version, Commit, Modified = v, c, m }(Version, Commit, Modified)
	Version, Commit, Modified = "v1.2.3", "0a7d3932e86ce226fc838e94805702eb36b14cf0", "true"
	in := Get()
	if in.Version != "v1.2.3" || in.Commit != Commit || !in.Modified || in.Module != Module {
		t.Errorf("Get() = %+v, want the linked version, commit and modified", in)
	}
	Commit = "0a7d393" // not a full SHA: never reported as one
	if in := Get(); in.Commit != "" {
		t.Errorf("Get().Commit = %q for a short SHA, want \"\"", in.Commit)
	}
}

// TestModuleIsGoMods: the module path the rendered files and the docs name
// is the one go.mod declares, so `go install` of what they name builds this.
func TestModuleIsGoMods(t *testing.T) {
	src, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(src), "\n")
	if got := strings.TrimSpace(strings.TrimPrefix(first, "module")); got != Module {
		t.Errorf("go.mod declares %q, version.Module is %q", got, Module)
	}
}
