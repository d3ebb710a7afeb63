package release

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nanobots-dev/nanobots/internal/version"
)

// TestActionYML checks the root action.yml: a composite action whose
// steps run scripts/install.sh, whose actions are verified pins, and whose
// installer names the project's own repository.
func TestActionYML(t *testing.T) {
	var a struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				If   string            `yaml:"if"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(read(t, "action.yml"), &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, in := range []string{"version", "attestation"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("no input %q", in)
		}
	}
	if _, ok := a.Outputs["path"]; !ok {
		t.Error("no output path")
	}
	modes := map[string]bool{}
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			checkPinned(t, "action.yml", strings.TrimSpace(strings.SplitN(s.Uses, "#", 2)[0]))
		}
		for _, m := range []string{"plan", "install", "build"} {
			if strings.Contains(s.Run, `scripts/install.sh" `+m) {
				modes[m] = true
				if m == "build" && !strings.Contains(s.If, "build == 'true'") {
					t.Errorf("the build step runs unconditionally: if %q", s.If)
				}
			}
		}
	}
	if len(modes) != 3 {
		t.Errorf("action.yml runs install.sh %v, want plan, install and build", modes)
	}
	if want := `repo="` + version.Repository + `"`; !strings.Contains(string(read(t, "scripts/install.sh")), want) {
		t.Errorf("scripts/install.sh does not say %s", want)
	}
}

// fakeRelease is a directory laid out like a GitHub release of nanobots
// vX.Y.Z for this machine, served over loopback: the tar.gz the installer
// asks for and checksums.txt.
type fakeRelease struct {
	version  string
	dir      string
	url      string
	requests atomic.Int64
}

// runnerOS and runnerArch are what RUNNER_OS and RUNNER_ARCH say on a
// GitHub runner like this machine.
func runnerEnv() (string, string) {
	osName := map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	return osName, arch
}

func newFakeRelease(t *testing.T, ver string) *fakeRelease {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the installer needs %s: %v", tool, err)
		}
	}
	r := &fakeRelease{version: ver, dir: t.TempDir()}
	rel := filepath.Join(r.dir, ver)
	stage := t.TempDir()
	mod := goModule(t)
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(stage, "nanobots"),
		"-ldflags", fmt.Sprintf("-s -w -X %s/internal/version.Version=%s -X %s/internal/version.Commit=%s", mod, ver, mod, strings.Repeat("ab", 20)),
		"./cmd/nanobots")
	build.Dir = root
	// As scripts/install.sh builds, so the fallback below reuses the cache.
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(stage, "README.md"), []byte("nanobots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	asset := fmt.Sprintf("nanobots_%s_%s_%s.tar.gz", strings.TrimPrefix(ver, "v"), runtime.GOOS, runtime.GOARCH)
	if out, err := exec.Command("tar", "-czf", filepath.Join(rel, asset), "-C", stage, "nanobots", "README.md").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(rel, asset))
	if err != nil {
		t.Fatal(err)
	}
	sums := fmt.Sprintf("%x  %s\n%x  other_asset.tar.gz\n", sha256.Sum256(b), asset, sha256.Sum256(nil))
	if err := os.WriteFile(filepath.Join(rel, "checksums.txt"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(r.dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		files.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

// install runs scripts/install.sh MODE as the action's step would, and
// returns its outputs, stderr, exit error and duration.
func (r *fakeRelease) install(t *testing.T, cache, mode string) (map[string]string, string, error, time.Duration) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "output")
	osName, arch := runnerEnv()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "install.sh"), mode)
	cmd.Env = append(os.Environ(), "NANOBOTS_VERSION="+r.version, "NANOBOTS_RELEASE_URL="+r.url,
		"NANOBOTS_ATTESTATION=auto", "GH_TOKEN=", "RUNNER_OS="+osName, "RUNNER_ARCH="+arch,
		"RUNNER_TOOL_CACHE="+cache, "GITHUB_OUTPUT="+out, "GITHUB_PATH="+filepath.Join(t.TempDir(), "path"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	outputs := map[string]string{}
	b, _ := os.ReadFile(out)
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return outputs, stderr.String(), err, took
}

// TestInstallFromARelease runs the action's installer against a release
// served over loopback: cold (download, sha256 against checksums.txt,
// extract), then warm (the cached binary, no request at all), and reports
// how long each took; a tampered asset stops it, and a missing one falls
// back to building from source.
func TestInstallFromARelease(t *testing.T) {
	r := newFakeRelease(t, "v9.8.7")
	cache := t.TempDir()

	plan, stderr, err, _ := r.install(t, cache, "plan")
	if err != nil || !strings.HasPrefix(plan["key"], "nanobots-v9.8.7-") || !strings.HasPrefix(plan["dir"], cache) {
		t.Fatalf("plan: %v %v\n%s", plan, err, stderr)
	}

	cold, stderr, err, coldTook := r.install(t, cache, "install")
	if err != nil || cold["build"] != "false" || !strings.Contains(stderr, "matches checksums.txt") {
		t.Fatalf("cold install: %v %v\n%s", cold, err, stderr)
	}
	if n := r.requests.Load(); n != 2 {
		t.Errorf("cold install made %d requests, want 2 (checksums.txt and the asset)", n)
	}
	got, err := exec.Command(cold["path"], "version").Output()
	if err != nil || !strings.HasPrefix(string(got), "nanobots v9.8.7\n") {
		t.Errorf("installed binary says %q (%v), want v9.8.7", got, err)
	}

	r.requests.Store(0)
	warm, stderr, err, warmTook := r.install(t, cache, "install")
	if err != nil || warm["build"] != "false" || !strings.Contains(stderr, "cached:") {
		t.Fatalf("warm install: %v %v\n%s", warm, err, stderr)
	}
	if n := r.requests.Load(); n != 0 {
		t.Errorf("warm install made %d requests, want none", n)
	}
	t.Logf("install of v9.8.7 over loopback: cold %.2fs (download and verify), warm %.2fs (cached)", coldTook.Seconds(), warmTook.Seconds())
	if warmTook > 10*time.Second {
		t.Errorf("warm install took %s, over the 10 s a tick may spend on it", warmTook)
	}

	// A release whose asset cannot be downloaded is built from the
	// action's source (here, this work tree), stamped with its version,
	// and cached like a download.
	other := &fakeRelease{version: "v9.8.8", dir: r.dir, url: r.url}
	if out, _, err, _ := other.install(t, cache, "install"); err != nil || out["build"] != "true" {
		t.Fatalf("a release that is not there: %v %v, want the fallback to building", out, err)
	}
	built, stderr, err, buildTook := other.install(t, cache, "build")
	if err != nil || built["build"] != "false" {
		t.Fatalf("build from source: %v %v\n%s", built, err, stderr)
	}
	if got, err := exec.Command(built["path"], "version").Output(); err != nil || !strings.HasPrefix(string(got), "nanobots v9.8.8\n") {
		t.Errorf("the source build says %q (%v), want v9.8.8", got, err)
	}
	if out, stderr, err, _ := other.install(t, cache, "install"); err != nil || out["build"] != "false" || !strings.Contains(stderr, "cached:") {
		t.Errorf("after the source build: %v %v, want the cached binary\n%s", out, err, stderr)
	}
	t.Logf("fallback build from source: %.1fs", buildTook.Seconds())

	// A tampered asset stops the job; it never falls back to building.
	asset := filepath.Join(r.dir, r.version, fmt.Sprintf("nanobots_9.8.7_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH))
	if err := os.WriteFile(asset, []byte("not what was released"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err, _ := r.install(t, t.TempDir(), "install")
	if err == nil || out["build"] == "true" || !strings.Contains(stderr, "refusing to run it") {
		t.Errorf("tampered asset: %v %v, want a failure that refuses it\n%s", out, err, stderr)
	}
}
