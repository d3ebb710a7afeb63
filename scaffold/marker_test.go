package scaffold

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestManifest pins which files are rendered and who owns each, so adding a
// template is a deliberate choice of owner.
func TestManifest(t *testing.T) {
	want := map[string]Owner{
		".gitattributes":                       Block,
		".github/ISSUE_TEMPLATE/bug.yml":       Engine,
		".github/ISSUE_TEMPLATE/chore.yml":     Engine,
		".github/ISSUE_TEMPLATE/config.yml":    Engine,
		".github/ISSUE_TEMPLATE/feature.yml":   Engine,
		".github/workflows/nanobots-inner.yml": Engine,
		".github/workflows/nanobots-outer.yml": Engine,
		".nanobots/LEARNINGS.md":               Repo,
		".nanobots/RECIPES.md":                 Repo,
		".nanobots/TRIAGE.md":                  Repo,
		".nanobots/config.json":                Repo,
		".nanobots/prompts/dispatch.md":        Engine,
		".nanobots/prompts/distill.md":         Engine,
		".nanobots/prompts/triage.md":          Engine,
		"CLAUDE.md":                            Block,
	}
	got := map[string]Owner{}
	for _, e := range manifest() {
		got[e.path] = e.owner
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
}

// TestMarkers checks every engine-owned rendering carries a marker, in a
// comment valid for its type, whose hash is that of the rest of the file,
// and that repo-owned files carry none.
func TestMarkers(t *testing.T) {
	files, err := render(testValues())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		content := f.content("v0.1.0")
		switch f.owner {
		case Engine:
			first, _, _ := strings.Cut(string(content), "\n")
			prefix := map[bool]string{true: "<!-- ", false: "# "}[strings.HasSuffix(f.path, ".md")]
			if !strings.HasPrefix(first, prefix+MarkerTag+" version=v0.1.0 sha256=") {
				t.Errorf("%s: first line %q is not a %q comment marker", f.path, first, prefix)
			}
			m, body, ok := splitFile(content)
			if !ok || !m.untouched(body) || m.version != "v0.1.0" {
				t.Errorf("%s: marker %+v does not record the rendering", f.path, m)
			}
		case Block:
			b, ok, err := findBlock(content)
			if !ok || err != nil || !b.untouched(b.body) {
				t.Errorf("%s: block marker does not record the block (%v)", f.path, err)
			}
		case Repo:
			if strings.Contains(string(content), MarkerTag+" version=") {
				t.Errorf("%s is repo-owned but carries a marker", f.path)
			}
		}
	}
}

func TestMarkerSurvivesCRLFAndAHeader(t *testing.T) {
	body := []byte("name: x\non: push\n")
	content := string(stampFile(hashComment, "v1.0.0", hashBody(body), body))

	m, got, ok := splitFile([]byte(strings.ReplaceAll(content, "\n", "\r\n")))
	if !ok || !m.untouched(got) {
		t.Errorf("a CRLF checkout reads as edited (marker found: %v)", ok)
	}

	// A line added above the marker is an edit, but the marker is still
	// found, so update can merge it rather than treat the file as foreign.
	m, got, ok = splitFile([]byte("# Copyright Ada\n" + content))
	if !ok {
		t.Fatal("marker not found below a header line")
	}
	if m.untouched(got) {
		t.Error("a file with an added header reads as untouched")
	}
	if want := "# Copyright Ada\nname: x\non: push\n"; string(got) != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestWithBlock(t *testing.T) {
	block := blockLines(htmlComment, "v1", hashBody([]byte("B\n")), []byte("B\n"))
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", string(block)},
		{"appended", "# Title\nText.", "# Title\nText.\n\n" + string(block)},
		{"replaced, CRLF around it kept", "A\r\n" + strings.Replace(string(block), "B\n", "old\n", 1) + "C\r\n", "A\r\n" + string(block) + "C\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withBlock([]byte(tc.in), block)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := withBlock([]byte("<!-- "+MarkerTag+" begin version=v1 sha256="+strings.Repeat("0", 64)+" -->\nno end\n"), block); err == nil {
		t.Error("a begin marker without an end was accepted")
	}
}

func TestApplyRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir() + "/target"
	if err := os.WriteFile(outside, []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, dir+"/CLAUDE.md"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	err := apply(dir, []Change{{Path: "CLAUDE.md", target: "CLAUDE.md", new: []byte("x\n")}})
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("apply = %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(outside); string(b) != "outside\n" {
		t.Errorf("a file outside the repository was changed: %q", b)
	}
}
