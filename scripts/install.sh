#!/usr/bin/env bash
# The nanobots action's installer (see action.yml at the repository root).
#
#   install.sh plan     where the binary goes, and the cache key for it
#   install.sh install  a cached binary, else the release asset, verified
#   install.sh build    build from the action's own source (the fallback)
#
# Inputs, from the environment:
#   NANOBOTS_VERSION      the release to install (vX.Y.Z); empty builds from source
#   NANOBOTS_ATTESTATION  auto | require | skip (gh attestation verify)
#   NANOBOTS_RELEASE_URL  where releases are (default: GitHub's release downloads)
#   GITHUB_ACTION_PATH    the action's checked-out source, at the pinned ref
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_PATH
#
# A checksum that does not match stops the job: only a download that fails
# falls back to building, never one that verifies wrong.
set -euo pipefail

repo="nanobots-dev/nanobots" # internal/version.Repository; a test keeps them equal
version="${NANOBOTS_VERSION:-}"
attest="${NANOBOTS_ATTESTATION:-auto}"
base="${NANOBOTS_RELEASE_URL:-https://github.com/$repo/releases/download}"
src="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
out="${GITHUB_OUTPUT:-/dev/null}"

say() { printf '%s\n' "$*" >&2; }
fail() { printf '::error title=nanobots install::%s\n' "$*" >&2; exit 1; }

case "${RUNNER_OS:-$(uname -s)}" in
Linux) os=linux ;; macOS | Darwin) os=darwin ;; Windows | MINGW* | MSYS*) os=windows ;;
*) fail "unsupported runner OS ${RUNNER_OS:-$(uname -s)}" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
X64 | x86_64 | amd64) arch=amd64 ;; ARM64 | arm64 | aarch64) arch=arm64 ;;
*) fail "unsupported runner architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
esac
exe=nanobots
[ "$os" = windows ] && exe=nanobots.exe

# sha256 prints the SHA-256 of a file, or of standard input without one.
sha256() {
	if command -v sha256sum >/dev/null; then sha256sum "$@" | cut -d' ' -f1; else shasum -a 256 "$@" | cut -d' ' -f1; fi
}

# key names what is cached: a release by its tag, a source build by the
# hash of the source it is built from.
key() {
	if [ -n "$version" ]; then
		echo "nanobots-$version-$os-$arch"
	else
		local h
		h=$(cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -path './templates/*' \) | LC_ALL=C sort | while read -r f; do echo "$f $(sha256 "$f")"; done | sha256 | cut -c1-16)
		echo "nanobots-src-$h-$os-$arch"
	fi
}

dir="${RUNNER_TOOL_CACHE:-${TMPDIR:-/tmp}}/nanobots/$(key)"

# usable reports whether dir holds the nanobots that was asked for.
usable() {
	[ -x "$dir/$exe" ] || return 1
	local got
	got=$("$dir/$exe" version --json 2>/dev/null) || return 1
	if [ -n "$version" ]; then
		case "$got" in *"\"version\": \"$version\""*) return 0 ;; esac
		return 1
	fi
}

found() {
	echo "path=$dir/$exe" >>"$out"
	echo "build=false" >>"$out"
	[ -n "${GITHUB_PATH:-}" ] && echo "$dir" >>"$GITHUB_PATH"
	"$dir/$exe" version >&2
}

download() {
	local asset="nanobots_${version#v}_${os}_${arch}.tar.gz" tmp
	tmp=$(mktemp -d)
	say "downloading $asset and checksums.txt of $repo $version"
	if ! curl -fsSL --retry 3 --retry-delay 2 -o "$tmp/checksums.txt" "$base/$version/checksums.txt" ||
		! curl -fsSL --retry 3 --retry-delay 2 -o "$tmp/$asset" "$base/$version/$asset"; then
		say "::warning title=nanobots install::could not download $asset of $version: building from the action's source instead"
		rm -rf "$tmp"
		return 1
	fi
	local want got
	want=$(awk -v a="$asset" '$2 == a || $2 == "*"a { print $1 }' "$tmp/checksums.txt")
	[ -n "$want" ] || fail "checksums.txt of $version does not list $asset"
	got=$(sha256 "$tmp/$asset")
	[ "$got" = "$want" ] || fail "$asset of $version: sha256 $got, but checksums.txt says $want: refusing to run it"
	say "sha256 $got matches checksums.txt"
	attestation "$tmp/$asset"
	mkdir -p "$dir"
	tar -xzf "$tmp/$asset" -C "$dir" "$exe"
	rm -rf "$tmp"
}

# attestation checks the asset's build provenance with gh, where gh can.
attestation() {
	[ "$attest" = skip ] && return 0
	if command -v gh >/dev/null && gh attestation --help >/dev/null 2>&1 && [ -n "${GH_TOKEN:-}" ]; then
		if gh attestation verify "$1" --repo "$repo" >&2; then
			say "build provenance verified by gh attestation"
			return 0
		fi
		[ "$attest" = require ] && fail "gh attestation verify failed for $(basename "$1")"
		say "::warning title=nanobots install::gh attestation verify did not verify $(basename "$1") (releases before attestations were pinned have none); its checksum matched"
		return 0
	fi
	[ "$attest" = require ] && fail "attestation: require, but gh attestation is not available here"
	return 0
}

case "${1:-}" in
plan)
	echo "key=$(key)" >>"$out"
	echo "dir=$dir" >>"$out"
	;;
install)
	if usable; then
		say "cached: $dir/$exe"
		found
	elif [ -n "$version" ] && download && usable; then
		found
	else
		echo "build=true" >>"$out"
		echo "path=$dir/$exe" >>"$out"
	fi
	;;
build)
	[ -f "$src/go.mod" ] || fail "no source at $src to build nanobots from"
	module=$(cd "$src" && go list -m)
	commit="${NANOBOTS_COMMIT:-}"
	[[ "$commit" =~ ^[0-9a-f]{40}$ ]] || commit=""
	flags="-s -w -X $module/internal/version.Commit=$commit"
	[ -n "$version" ] && flags="$flags -X $module/internal/version.Version=$version"
	mkdir -p "$dir"
	(cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "$flags" -o "$dir/$exe" ./cmd/nanobots)
	found
	;;
*)
	fail "usage: install.sh plan|install|build"
	;;
esac
