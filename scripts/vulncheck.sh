#!/usr/bin/env bash
# vulncheck.sh — govulncheck over the module, failing (exit 3) when the code
# calls a function with a known vulnerability, in a dependency or in Go's own
# library.
#
# The vulnerability database is built here from the golang.org/x/vulndb
# module (its data/osv files, indexed by the project's own indexdb command),
# because the Go module proxy is the one source a build machine is sure to
# reach; vuln.go.dev may not be. VULNDB_VERSION pins the snapshot so that a
# run can be repeated; bump it to the newest the proxy serves
# (`go list -m golang.org/x/vulndb@latest`) to check against new advisories.
set -euo pipefail
cd "$(dirname "$0")/.."
VULN_VERSION=${VULN_VERSION:-v1.9.0}
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
cache=${VULNDB_CACHE:-$(go env GOCACHE)/swanwatch-vulndb/$VULNDB_VERSION}
bin=$(go env GOPATH)/bin

if [ ! -f "$cache/index/db.json" ]; then
  echo "vulncheck: building the vulnerability database $VULNDB_VERSION"
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  rm -rf "$cache.tmp" && mkdir -p "$(dirname "$cache")"
  go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$cache.tmp"
  mv "$cache.tmp" "$cache"
fi
# govulncheck must be built by the Go that builds the project: it type-checks
# the standard library of that Go.
want="$(go env GOVERSION) $VULN_VERSION"
if [ "$(cat "$bin/.govulncheck-version" 2>/dev/null)" != "$want" ]; then
  go install "golang.org/x/vuln/cmd/govulncheck@$VULN_VERSION"
  echo "$want" > "$bin/.govulncheck-version"
fi
echo "vulncheck: $want against $VULNDB_VERSION"
"$bin/govulncheck" -db "file://$cache" ./...
