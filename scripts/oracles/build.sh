#!/usr/bin/env bash
# Builds the upstream programs the tests run and compare against (the oracles) from their Go
# modules, pinned by the go.mod/go.sum beside this script (one module per tool, so their
# dependency versions do not fight), into .oracles/bin/ (git-ignored). A tool whose inputs have
# not changed since its last build is skipped. Go is needed for this only: the product never
# runs these programs.
#
#   scripts/oracles/build.sh            build every oracle
#   scripts/oracles/build.sh helm opa   build some
#   ORACLES_DIR=/path scripts/oracles/build.sh
#
# A tool that fails to build is reported and the others still build; the exit status is 1 when
# a required one failed (kubernetes, etcd, kustomize, helm, opa, sops) and 0 when only an
# optional one did (gator, flux, kwok). Each build prints its time.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${ORACLES_DIR:-$root/.oracles}"
mkdir -p "$out/bin" "$out/stamps"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=mod"
export GOTOOLCHAIN=local

required=(kubernetes etcd kustomize helm opa sops)
optional=(gator flux kwok)

k8s_version=v1.36.3
k8s_ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $p.gitVersion=$k8s_version -X $p.gitMajor=1 -X $p.gitMinor=36"
  k8s_ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
done

# tool -> "binary=package" pairs and ldflags
binaries() {
  case "$1" in
    kubernetes) echo "kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager kubectl=k8s.io/kubernetes/cmd/kubectl kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler" ;;
    etcd) echo "etcd=." ;;
    kustomize) echo "kustomize=sigs.k8s.io/kustomize/kustomize/v5" ;;
    helm) echo "helm=helm.sh/helm/v3/cmd/helm" ;;
    opa) echo "opa=github.com/open-policy-agent/opa" ;;
    sops) echo "sops=github.com/getsops/sops/v3/cmd/sops" ;;
    gator) echo "gator=github.com/open-policy-agent/gatekeeper/v3/cmd/gator" ;;
    flux) echo "flux=./cmd/flux" ;;
    kwok) echo "kwok=sigs.k8s.io/kwok/cmd/kwok" ;;
  esac
}
ldflags() {
  case "$1" in
    kubernetes) echo "$k8s_ldflags" ;;
    kustomize) echo "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=v5.5.0" ;;
    helm) echo "-s -w -X helm.sh/helm/v3/internal/version.version=v3.21.4 -X helm.sh/helm/v3/internal/version.gitTreeState=clean" ;;
    flux) echo "-s -w -X main.VERSION=2.9.5" ;;
    opa) echo "-s -w -X github.com/open-policy-agent/opa/v1/version.Version=1.22.4" ;;
    *) echo "-s -w" ;;
  esac
}

# The folder `go build` runs in. Usually the tool's module here; flux's CLI embeds install
# manifests that its Makefile downloads from GitHub (cmd/flux/manifests/*.yaml, not in the
# module), so it is built in a copy of its own module with a placeholder manifest: every command
# works but `flux install` (Flotilla's tests compare the others).
build_dir() {
  local tool=$1 dir=$2
  case "$tool" in
    flux)
      local src
      src="$(cd "$dir" && go list -m -f '{{.Dir}}' github.com/fluxcd/flux2/v2)" || return 1
      rm -rf "$out/src/flux2"
      mkdir -p "$out/src"
      cp -r "$src" "$out/src/flux2" && chmod -R u+w "$out/src/flux2" || return 1
      mkdir -p "$out/src/flux2/cmd/flux/manifests"
      printf '# placeholder: flux install manifests are not built for the oracle\n' \
        >"$out/src/flux2/cmd/flux/manifests/placeholder.yaml"
      echo "$out/src/flux2"
      ;;
    *) echo "$dir" ;;
  esac
}

if (($#)); then tools=("$@"); else tools=("${required[@]}" "${optional[@]}"); fi
if ! command -v go >/dev/null; then
  echo "oracles: go is not installed; the tests that need an oracle will skip (and fail under CI=true)" >&2
  exit 1
fi
echo "oracles: $(go version), into $out/bin"
failed_required=()
failed_optional=()
total_start=$(date +%s)
for tool in "${tools[@]}"; do
  dir="$here/$tool"
  [ -d "$dir" ] || { echo "oracles: unknown tool $tool" >&2; exit 2; }
  stamp="$( (cat "$dir"/go.mod "$dir"/go.sum "$dir"/*.go 2>/dev/null; binaries "$tool"; ldflags "$tool"; go env GOVERSION) | sha256sum | cut -c1-16)"
  all_there=1
  for pair in $(binaries "$tool"); do [ -x "$out/bin/${pair%%=*}" ] || all_there=0; done
  [ "$tool" = kwok ] && [ ! -s "$out/share/kwok-stages.yaml" ] && all_there=0
  if ((all_there)) && [ "$(cat "$out/stamps/$tool" 2>/dev/null)" = "$stamp" ]; then
    echo "oracles: $tool is up to date"
    continue
  fi
  start=$(date +%s)
  ok=1
  bdir="$(build_dir "$tool" "$dir")" || ok=0
  ((ok)) && for pair in $(binaries "$tool"); do
    bin="${pair%%=*}"
    pkg="${pair#*=}"
    if ! (cd "$bdir" && go build -trimpath -ldflags "$(ldflags "$tool")" -o "$out/bin/$bin.tmp" "$pkg"); then
      ok=0
      break
    fi
    mv -f "$out/bin/$bin.tmp" "$out/bin/$bin"
  done
  if ((ok)) && [ "$tool" = kwok ]; then
    # kwok needs Stage configs to move nodes and pods through their lives; take upstream's "fast"
    # stages from its module (kustomize/stage/...) into one --config file.
    kdir="$(cd "$dir" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)" || ok=0
    if ((ok)); then
      mkdir -p "$out/share"
      for f in "$kdir"/kustomize/stage/node/fast/node-initialize.yaml "$kdir"/kustomize/stage/pod/fast/pod-*.yaml; do
        echo '---'
        cat "$f"
      done >"$out/share/kwok-stages.yaml"
    fi
  fi
  secs=$(($(date +%s) - start))
  if ((ok)); then
    echo "$stamp" >"$out/stamps/$tool"
    echo "oracles: built $tool in ${secs} s"
  else
    rm -f "$out/stamps/$tool"
    echo "oracles: FAILED to build $tool after ${secs} s" >&2
    if [[ " ${optional[*]} " == *" $tool "* ]]; then failed_optional+=("$tool"); else failed_required+=("$tool"); fi
  fi
done
echo "oracles: done in $(($(date +%s) - total_start)) s"
((${#failed_optional[@]})) && echo "oracles: optional tools that did not build: ${failed_optional[*]}" >&2
if ((${#failed_required[@]})); then
  echo "oracles: required tools that did not build: ${failed_required[*]}" >&2
  exit 1
fi
exit 0
