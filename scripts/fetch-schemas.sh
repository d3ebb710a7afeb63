#!/usr/bin/env bash
# fetch-schemas.sh downloads GitHub's published GraphQL schema and OpenAPI
# description, at pinned versions, into .schemas/ (git-ignored). The simulator
# validates every request it receives against them, so nothing of GitHub's is
# hand-copied into this repository.
#
# The tarballs come through `npm pack`; each one's integrity is compared with
# the value pinned below before anything is extracted. Run it again at any
# time: it does nothing when the pinned files are already in place.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${NANOBOTS_SCHEMA_DIR:-$root/.schemas}"

# package@version | integrity | file inside the package | name under $dest
pins=(
  "@octokit/graphql-schema@15.26.1|sha512-RFDC2MpRBd4AxSRvUeBIVeBU7ojN/SxDfALUd7iVYOSeEK3gZaqR2MGOysj4Zh2xj2RY5fQAUT+Oqq7hWTraMA==|package/schema.graphql|schema.graphql"
  "@octokit/openapi@23.0.2|sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg==|package/generated/api.github.com.json|api.github.com.json"
)

mkdir -p "$dest"
for pin in "${pins[@]}"; do
  IFS='|' read -r spec integrity member name <<<"$pin"
  stamp="$dest/$name.integrity"
  if [[ -f "$dest/$name" && -f "$stamp" && "$(cat "$stamp")" == "$integrity" ]]; then
    continue
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent --json "$spec" >pack.json 2>/dev/null)
  tgz="$(cd "$work" && ls ./*.tgz)"
  got="sha512-$(openssl dgst -sha512 -binary "$work/$tgz" | base64 -w0)"
  if [[ "$got" != "$integrity" ]]; then
    echo "fetch-schemas: $spec: integrity $got, want $integrity" >&2
    exit 1
  fi
  tar -xzf "$work/$tgz" -C "$work" "$member"
  mv "$work/$member" "$dest/$name"
  printf '%s' "$integrity" >"$stamp"
  rm -rf "$work"
  trap - EXIT
  echo "fetch-schemas: $spec -> ${dest#$root/}/$name"
done
