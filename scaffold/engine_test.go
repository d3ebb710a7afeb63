package scaffold

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	nbversion "github.com/nanobots-dev/nanobots/internal/version"
)

func TestEngineAction(t *testing.T) {
	repo := nbversion.Repository
	for _, tc := range []struct {
		name                 string
		version, commit, ref string
		uses, install        string // install is the release the action downloads
		pinned               bool
	}{
		{name: "release", version: "v1.2.3", commit: testCommit, uses: repo + "@" + testCommit + " # v1.2.3", install: "v1.2.3", pinned: true},
		{name: "dev build", version: "dev", commit: testCommit, uses: repo + "@" + testCommit + " # not a release: nanobots dev was built from this commit", pinned: true},
		{name: "pseudo-version", version: "v0.0.0-20261203212514-0123456789ab", commit: testCommit, uses: repo + "@" + testCommit + " # not a release", pinned: true},
		{name: "ref flag wins", version: "v1.2.3", commit: testCommit, ref: "feature/x", uses: repo + "@feature/x # not a release: the ref given by --action-ref", pinned: true},
		{name: "release without commit", version: "v1.2.3", uses: repo + "@v1.2.3 # by tag", install: "v1.2.3", pinned: true},
		{name: "nothing known", version: "dev", uses: repo + "@" + Unpinned + " # not pinned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := engineAction(Values{Version: tc.version, Commit: tc.commit, ActionRef: tc.ref})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.Uses, tc.uses) || got.Version != tc.install || got.Pinned != tc.pinned {
				t.Errorf("got %+v, want uses %q…, version %q, pinned %v", got, tc.uses, tc.install, tc.pinned)
			}
		})
	}
	for _, ref := range []string{"latest", "main # evil", "x\ny: z", ""} {
		if ref == "" {
			continue
		}
		if _, err := engineAction(Values{Version: "dev", ActionRef: ref}); err == nil {
			t.Errorf("action ref %q accepted", ref)
		}
	}
}

var (
	goInstallRE = regexp.MustCompile(`go install\s+(\S+)`)
	usesRefRE   = regexp.MustCompile(`uses:\s*([\w.-]+/[\w.-]+)@(\S+)`)
	ghModuleRE  = regexp.MustCompile(`github\.com/([\w.-]+)/([\w.-]*nanobots[\w.-]*)`)
)

// foreignEngine returns every place src names a nanobots other than the
// project's own (another module path, another repository's action) or
// installs a floating @latest.
func foreignEngine(src string) []string {
	var bad []string
	if strings.Contains(src, "@latest") {
		bad = append(bad, "@latest")
	}
	for _, m := range goInstallRE.FindAllStringSubmatch(src, -1) {
		if !strings.HasPrefix(m[1], nbversion.Module+"/") {
			bad = append(bad, m[0])
		}
	}
	for _, m := range ghModuleRE.FindAllStringSubmatch(src, -1) {
		if m[1]+"/"+m[2] != nbversion.Repository && m[1]+"/"+m[2] != nbversion.ExtensionRepository {
			bad = append(bad, m[0])
		}
	}
	for _, m := range usesRefRE.FindAllStringSubmatch(src, -1) {
		if strings.Contains(m[1], "nanobots") && m[1] != nbversion.Repository {
			bad = append(bad, m[0])
		}
	}
	return bad
}

func TestForeignEngineFindsWhatItLooksFor(t *testing.T) {
	src := "run: go install github.com/nanobots/nanobots/cmd/nanobots@latest\n" +
		"uses: someone/nanobots@0123456789abcdef0123456789abcdef01234567 # v1\n" +
		"uses: " + nbversion.Repository + "@" + testCommit + " # v0.1.0\n" +
		"run: go install " + nbversion.Command + "@v0.1.0\n"
	if got := foreignEngine(src); len(got) != 4 {
		t.Errorf("foreignEngine found %q, want @latest, the foreign go install, its module path and the foreign action", got)
	}
}

// TestGoldenFilesNameOnlyThisEngine reads every file of every golden case
// (what init and update write, their reports and diffs) and every rendering
// of every configuration: none may install @latest, and every module path
// or action of nanobots they name must be the project's own.
func TestGoldenFilesNameOnlyThisEngine(t *testing.T) {
	files := 0
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, bad := range foreignEngine(string(src)) {
			t.Errorf("%s: names %q", path, bad)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read %d golden files, want every file of every case", files)
	}
	for name, v := range allConfigs() {
		rs, err := render(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			for _, bad := range foreignEngine(string(r.content(v.Version))) {
				t.Errorf("%s: %s: names %q", name, r.path, bad)
			}
		}
	}
}
