#!/usr/bin/env bash
# Installs the real Pulumi CLI, its Node.js language host, the dynamic-provider shim and Pulumi
# YAML's language host into $PULUMI_HOME/versions/<version>/bin (default
# ~/.pulumi/versions/<version>/bin): the folder the npm `pulumi` launcher and the Automation API look
# in first. It does nothing when they are already there, and builds only the YAML host into a
# folder that has the rest (installs from before the YAML host was added). It also installs this
# checkout's b2c-identity provider plugin, as `npx b2c-identity plugin install` does.
#
# Where the official download is unreachable, the CLI is built from the Go module proxy. Both
# go.mod files carry directory replaces (`github.com/pulumi/pulumi/sdk/v3 => ../sdk`), so
# `go install …@version` is refused; we copy each module out of the module cache, point the replaces
# at the same-version modules and build with -mod=mod. Recipe and sources:
# docs/pulumi-cli-from-go-modules.md.
#
# The YAML host (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) runs the YAML example
# (examples/yaml/) in the engine tests. Its go.mod has no directory replaces, so a plain
# `go install …@version` builds it. The engine finds a language host next to the running `pulumi`
# binary (pulumi/pulumi sdk/go/common/workspace/plugins.go: IsPluginBundled lists language "yaml",
# and getPluginInfoAndPath looks beside os.Executable()); the official archive carries it there too
# (docs/pulumi-cli-from-go-modules.md, 1.3).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# One pinned version: the npm launcher's (devDependency `pulumi`), which is compatible with our
# @pulumi/pulumi (the CLI speaks the same gRPC protocol to older Node SDKs).
version="${PULUMI_CLI_VERSION:-$(node -p "require('$root/package.json').devDependencies.pulumi.replace(/^[^0-9]*/, '')")}"
# The YAML host's version: package.json config.pulumiYamlVersion (pulumi-yaml's own releases; the
# CLI speaks to any host of the same gRPC protocol).
yaml_version="${PULUMI_YAML_VERSION:-$(node -p "require('$root/package.json').config.pulumiYamlVersion.replace(/^v/, '')")}"
home="${PULUMI_HOME:-$HOME/.pulumi}"
bin="$home/versions/$version/bin"
started=$SECONDS

say() { echo "pulumi:install: $*"; }

# The plugin first: it needs only this checkout's build (`npm ci` runs `prepare`, which builds dist/),
# and writes $PULUMI_HOME/plugins/resource-b2c-identity-v<version>/ (cli/pluginInstall.ts).
if [ -f "$root/dist/cli/index.js" ]; then
  say "$(node "$root/dist/cli/index.js" plugin install)"
else
  say "dist/ is not built, so the b2c-identity plugin is not installed: run npm run build, then npx b2c-identity plugin install"
fi

cli_installed() {
  [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ] &&
    PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" version 2>/dev/null | grep -qx "v$version"
}
# The host has no --version flag; `go version -m` reads the module version `go install` recorded in
# the binary (its build info). Without Go the binary's presence is taken as enough.
yaml_host_installed() {
  [ -x "$bin/pulumi-language-yaml" ] &&
    { ! command -v go >/dev/null || go version -m "$bin/pulumi-language-yaml" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/pulumi/pulumi-yaml[[:space:]]+v$yaml_version[[:space:]]"; }
}
need_go() { command -v go >/dev/null || { say "Go is needed to build $1 (go version >= 1.25); install Go, or install the official CLI (it carries the YAML host) into $bin"; exit 1; }; }

# go install into $1, flags as the CLI's build below and pulumi-yaml's Makefile (version.Version).
build_yaml_host() {
  local t0=$SECONDS
  (export CGO_ENABLED=0 GOBIN="$1" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
    go install -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$yaml_version" \
      "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$yaml_version")
  say "built pulumi-language-yaml v$yaml_version in $((SECONDS - t0)) s ($(du -h "$1/pulumi-language-yaml" | cut -f1))"
}

if cli_installed; then
  if yaml_host_installed; then
    say "Pulumi CLI v$version and pulumi-language-yaml v$yaml_version are already installed in $bin (nothing to do)"
    exit 0
  fi
  # Only the YAML host is missing (or another version): build it beside the CLI, which stays as it is.
  need_go "Pulumi YAML's language host"
  say "building pulumi-language-yaml v$yaml_version from the Go module proxy into $bin ($(go version))"
  yaml_staging="$home/versions/.$version.yaml.partial"
  rm -rf "$yaml_staging"
  mkdir -p "$yaml_staging"
  build_yaml_host "$yaml_staging"
  mv -f "$yaml_staging/pulumi-language-yaml" "$bin/pulumi-language-yaml" # same file system: one rename
  rm -rf "$yaml_staging"
  say "installed pulumi-language-yaml v$yaml_version in $bin in $((SECONDS - started)) s"
  exit 0
fi

need_go "the Pulumi CLI"
say "building Pulumi CLI v$version and pulumi-language-yaml v$yaml_version from the Go module proxy into $bin ($(go version))"

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# `go mod download -json` prints the module's folder in the module cache and, for a tag, its commit
# (on stdout; a failure is a JSON object with an Error field, and a non-zero exit). Progress and
# warnings stay on stderr, out of the JSON.
module_json() { go mod download -json "$1"; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const v=process.argv[1].split(".").reduce((o,k)=>o&&o[k],j);if(!v){console.error(j.Error||"missing "+process.argv[1]);process.exit(1)}console.log(v)})' "$1"; }

origin_commit() { # the commit a tag was resolved from: printed by -json, or kept in the cached .info
  echo "$1" | json_field Origin.Hash 2>/dev/null || json_field Origin.Hash <"$(echo "$1" | json_field Info)" 2>/dev/null || true
}
sdk_json="$(module_json "github.com/pulumi/pulumi/sdk/v3@v$version")" || { echo "$sdk_json"; exit 1; }
# pkg/v3 is tagged on the commit after the release ("Changelog and go.mod updates"), which only
# bumps go.mod and version strings, so the language host is built from that same commit. A release
# without a pkg tag is built at the release commit (sdk tag) instead.
if pkg_json="$(module_json "github.com/pulumi/pulumi/pkg/v3@v$version")"; then
  source_commit="${PULUMI_SRC_REV:-$(origin_commit "$pkg_json")}"
else
  source_commit="${PULUMI_SRC_REV:-$(origin_commit "$sdk_json")}"
  [ -n "$source_commit" ] || { say "pkg/v3@v$version has no tag and the proxy gave no commit for sdk/v3; set PULUMI_SRC_REV to the release commit"; exit 1; }
  pkg_json="$(module_json "github.com/pulumi/pulumi/pkg/v3@$source_commit")" || { echo "$pkg_json"; exit 1; }
fi
[ -n "$source_commit" ] || { say "the proxy gave no commit for pkg/v3@v$version; set PULUMI_SRC_REV to the release commit"; exit 1; }
pkg_version="$(echo "$pkg_json" | json_field Version)"
# The language host has no tags of its own: the proxy resolves the commit to a pseudo-version.
# Some module proxies refuse that module outright (here: 403 "This module version is not
# available" for every version). The host then comes from the last sdk/v3 release that still held
# it as a package (v3.68.0; it became its own module in May 2023). The CLI speaks to older hosts by
# design: it falls back to GetRequiredPlugins when GetRequiredPackages is unimplemented and still
# sends Pwd/Program in RunRequest (sdk/go/common/resource/plugin/langruntime_plugin.go).
legacy_host_sdk="v3.68.0"
if host_json="$(module_json "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$source_commit")"; then
  host_module=nested
  say "modules: sdk/v3 v$version, pkg/v3 $pkg_version, pulumi-language-nodejs/v3 $(echo "$host_json" | json_field Version) (commit $source_commit)"
else
  say "the proxy refuses pulumi-language-nodejs/v3@$source_commit: $(echo "$host_json" | json_field Error 2>/dev/null | head -c 300)"
  host_json="$(module_json "github.com/pulumi/pulumi/sdk/v3@$legacy_host_sdk")" || { echo "$host_json"; exit 1; }
  host_module=legacy
  say "modules: sdk/v3 v$version, pkg/v3 $pkg_version; Node.js language host from sdk/v3 $legacy_host_sdk"
fi

writable_copy() {
  cp -R "$1" "$2"
  chmod -R u+w "$2"
}
writable_copy "$(echo "$pkg_json" | json_field Dir)" "$work/pkg"
writable_copy "$(echo "$host_json" | json_field Dir)" "$work/host"

# Directory replaces become requirements on the same released versions.
(cd "$work/pkg" &&
  go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 -require="github.com/pulumi/pulumi/sdk/v3@v$version")
if [ "$host_module" = nested ]; then
  (cd "$work/host" &&
    go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 -dropreplace=github.com/pulumi/pulumi/pkg/v3 \
      -require="github.com/pulumi/pulumi/sdk/v3@v$version" -require="github.com/pulumi/pulumi/pkg/v3@$pkg_version")
  host_package=.
else
  host_package=./nodejs/cmd/pulumi-language-nodejs
fi

staging="$home/versions/.$version.partial"
rm -rf "$staging"
mkdir -p "$staging/bin"
build() {
  local dir="$1" out="$2" package="$3" t0=$SECONDS
  (cd "$dir" && go build -mod=mod -trimpath -buildvcs=false -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    -o "$staging/bin/$out" "$package")
  say "built $out in $((SECONDS - t0)) s ($(du -h "$staging/bin/$out" | cut -f1))"
}
build "$work/pkg" pulumi ./cmd/pulumi
build "$work/host" pulumi-language-nodejs "$host_package"
build_yaml_host "$staging/bin"

# The dynamic-provider shim. The engine starts it in the program's folder, so node resolves the
# program's own @pulumi/pulumi; unlike the upstream shim it fails loudly when that is missing.
cat >"$staging/bin/pulumi-resource-pulumi-nodejs" <<'SHIM'
#!/bin/sh
entry=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$entry" "$@"
SHIM
chmod 755 "$staging/bin/pulumi-resource-pulumi-nodejs"

installed="$(PULUMI_SKIP_UPDATE_CHECK=true "$staging/bin/pulumi" version)"
[ "$installed" = "v$version" ] || { say "built CLI reports $installed, expected v$version"; exit 1; }
rm -rf "$home/versions/$version"
mv "$staging" "$home/versions/$version"
say "installed Pulumi CLI $installed in $bin in $((SECONDS - started)) s; disk: $(du -sh "$bin" | cut -f1) installed, module cache $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1), build cache $(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1)"
