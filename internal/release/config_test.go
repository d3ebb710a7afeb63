package release

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"

	"github.com/nanobots-dev/nanobots/internal/version"
	"github.com/nanobots-dev/nanobots/scaffold"
)

// root is the repository's root, from this package's directory.
const root = "../.."

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goModule is the module path go.mod declares.
func goModule(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(read(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod declares no module")
	}
	return string(m[1])
}

// goreleaser is the part of GoReleaser v2's configuration nanobots uses,
// key by key: decoded strictly, a misspelt key fails instead of being
// ignored by GoReleaser on release day.
type goreleaser struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID           string   `yaml:"id"`
		Main         string   `yaml:"main"`
		Binary       string   `yaml:"binary"`
		Env          []string `yaml:"env"`
		Flags        []string `yaml:"flags"`
		Ldflags      []string `yaml:"ldflags"`
		ModTimestamp string   `yaml:"mod_timestamp"`
		Goos         []string `yaml:"goos"`
		Goarch       []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		ID           string   `yaml:"id"`
		IDs          []string `yaml:"ids"`
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
		Files        []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	SBOMs []struct {
		ID        string   `yaml:"id"`
		Artifacts string   `yaml:"artifacts"`
		IDs       []string `yaml:"ids"`
		Cmd       string   `yaml:"cmd"`
		Args      []string `yaml:"args"`
		Documents []string `yaml:"documents"`
	} `yaml:"sboms"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
		Prerelease string `yaml:"prerelease"`
	} `yaml:"release"`
	Changelog struct {
		Use  string `yaml:"use"`
		Sort string `yaml:"sort"`
	} `yaml:"changelog"`
}

// expand fills in the GoReleaser template fields a name uses.
func expand(tmpl, tag, goos, goarch string) string {
	return strings.NewReplacer("{{ .Version }}", strings.TrimPrefix(tag, "v"), "{{ .Tag }}", tag,
		"{{ .Os }}", goos, "{{ .Arch }}", goarch).Replace(tmpl)
}

// TestGoReleaserConfig reads .goreleaser.yaml strictly (an unknown key
// fails) and checks what a release must carry: both programs for linux,
// darwin and windows on amd64 and arm64, stamped with the tag and the full
// commit; the archives the action downloads, named as scripts/install.sh
// asks for them; the gh extension's binaries named as gh requires;
// checksums.txt in sha256; an SBOM per binary; the project's repository.
func TestGoReleaserConfig(t *testing.T) {
	var c goreleaser
	dec := yaml.NewDecoder(strings.NewReader(string(read(t, ".goreleaser.yaml"))))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if c.Version != 2 {
		t.Errorf("version = %d, want 2 (GoReleaser v2)", c.Version)
	}
	mod := goModule(t)
	builds := map[string]bool{}
	for _, b := range c.Builds {
		builds[b.ID] = true
		if b.Main != "./cmd/nanobots" {
			t.Errorf("build %s: main %q, want ./cmd/nanobots", b.ID, b.Main)
		}
		for _, os := range []string{"linux", "darwin", "windows"} {
			if !slices.Contains(b.Goos, os) {
				t.Errorf("build %s lacks goos %s", b.ID, os)
			}
		}
		for _, arch := range []string{"amd64", "arm64"} {
			if !slices.Contains(b.Goarch, arch) {
				t.Errorf("build %s lacks goarch %s", b.ID, arch)
			}
		}
		if !slices.Contains(b.Env, "CGO_ENABLED=0") {
			t.Errorf("build %s does not set CGO_ENABLED=0", b.ID)
		}
		flags := strings.Join(b.Ldflags, " ")
		for _, want := range []string{mod + "/internal/version.Version={{ .Tag }}", mod + "/internal/version.Commit={{ .FullCommit }}"} {
			if !strings.Contains(flags, "-X "+want) {
				t.Errorf("build %s: ldflags %q lack -X %s", b.ID, flags, want)
			}
		}
	}
	if !builds["nanobots"] || !builds["gh-nanobots"] {
		t.Errorf("builds %v, want nanobots and gh-nanobots", builds)
	}

	names := map[string]string{} // archive id -> the name for v1.2.3 linux/arm64
	for _, a := range c.Archives {
		names[a.ID] = expand(a.NameTemplate, "v1.2.3", "linux", "arm64")
		switch a.ID {
		case "nanobots":
			if !slices.Equal(a.Formats, []string{"tar.gz"}) || !slices.Equal(a.IDs, []string{"nanobots"}) {
				t.Errorf("archive nanobots: formats %v of %v, want tar.gz of the nanobots build", a.Formats, a.IDs)
			}
		case "gh-nanobots":
			if !slices.Equal(a.Formats, []string{"binary"}) || !slices.Equal(a.IDs, []string{"gh-nanobots"}) {
				t.Errorf("archive gh-nanobots: formats %v of %v, want the bare gh-nanobots binaries", a.Formats, a.IDs)
			}
		}
	}
	// The installer asks for nanobots_${version#v}_${os}_${arch}.tar.gz.
	if got, want := names["nanobots"]+".tar.gz", "nanobots_1.2.3_linux_arm64.tar.gz"; got != want {
		t.Errorf("archive name %q, want %q, which scripts/install.sh downloads", got, want)
	}
	if !strings.Contains(string(read(t, "scripts/install.sh")), `asset="nanobots_${version#v}_${os}_${arch}.tar.gz"`) {
		t.Error("scripts/install.sh no longer asks for nanobots_${version#v}_${os}_${arch}.tar.gz")
	}
	// gh picks the asset whose name ends in OS-ARCH.
	if got, want := names["gh-nanobots"], "gh-nanobots_v1.2.3_linux-arm64"; got != want {
		t.Errorf("gh extension asset %q, want %q", got, want)
	}

	if c.Checksum.NameTemplate != "checksums.txt" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum = %+v, want checksums.txt in sha256", c.Checksum)
	}
	if len(c.SBOMs) == 0 {
		t.Fatal("no sboms")
	}
	for _, s := range c.SBOMs {
		if s.Artifacts != "binary" || s.Cmd == "" || !slices.Contains(s.Args, "$document") || !slices.Contains(s.Args, "$artifact") || len(s.Documents) == 0 {
			t.Errorf("sbom %+v: want one document per binary, written by a command given $artifact and $document", s)
		}
	}
	if got := c.Release.GitHub.Owner + "/" + c.Release.GitHub.Name; got != version.Repository {
		t.Errorf("release goes to %s, want %s", got, version.Repository)
	}
}

// TestReleaseWorkflow lints the release workflow with actionlint and checks
// its trigger, its least privilege and its pins.
func TestReleaseWorkflow(t *testing.T) {
	src := read(t, ".github/workflows/release.yml")
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("release.yml", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("release.yml:%d:%d: %s [%s]", e.Line, e.Column, e.Message, e.Kind)
	}
	var wf struct {
		On struct {
			Push struct {
				Tags     []string `yaml:"tags"`
				Branches []string `yaml:"branches"`
			} `yaml:"push"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(src, &wf); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(wf.On.Push.Tags, []string{"v*.*.*"}) || len(wf.On.Push.Branches) != 0 {
		t.Errorf("on.push = %+v, want release tags only", wf.On.Push)
	}
	if len(wf.Permissions) != 0 {
		t.Errorf("top-level permissions %v, want {}", wf.Permissions)
	}
	runsGoreleaser := false
	for name, job := range wf.Jobs {
		if want := map[string]string{"contents": "write"}; fmt.Sprint(job.Permissions) != fmt.Sprint(want) {
			t.Errorf("job %s: permissions %v, want only %v", name, job.Permissions, want)
		}
		for _, s := range job.Steps {
			if s.Uses != "" {
				checkPinned(t, "release.yml", s.Uses)
			}
			if strings.Contains(s.Run, "goreleaser release") {
				runsGoreleaser = true
			}
			for _, m := range regexp.MustCompile(`go install (\S+)`).FindAllStringSubmatch(s.Run, -1) {
				if !regexp.MustCompile(`@v[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(m[1]) {
					t.Errorf("release.yml installs %s: want an exact version", m[1])
				}
			}
		}
	}
	if !runsGoreleaser {
		t.Error("release.yml does not run goreleaser release")
	}
}

// checkPinned fails unless uses is an action at a verified pin from
// scaffold.Pins, by full SHA with its version as a comment.
func checkPinned(t *testing.T, file, uses string) {
	t.Helper()
	for _, p := range scaffold.Pins {
		if uses == p.Action+"@"+p.SHA {
			return
		}
	}
	t.Errorf("%s: uses %q, which is not a pin from scaffold.Pins", file, uses)
}
