#!/bin/sh
# Writes the PrometheusRule manifest <name>.yaml of every plain rule file prometheus/<name>.rules.yml:
# the rule file's leading comment (less its "Source of" line), the manifest's header (name <name>, namespace monitoring, the labels
# the Prometheus Operator selects) and the rule file's groups under spec, comments and all.
# The plain files are the source: promtool reads them as they are (promtool test rules tests/*.test.yml),
# and the manifests are what a cluster applies (kubectl apply -f rules/) and what the lab loads.
#
#   rules/generate-manifests.sh           rewrite the manifests
#   rules/generate-manifests.sh --check   only say which manifests differ from what would be written (exit 1)
set -eu
cd "$(dirname "$0")"

check=false
if [ "${1:-}" = "--check" ]; then
  check=true
fi

manifest() { # $1: plain rule file
  name=$(basename "$1" .rules.yml)
  awk -v name="$name" -v source="$1" '
    NR == 1 && /^# Source of / { skip_blank = 1; next }
    NR == 2 && skip_blank && /^#$/ { next }
    !body && /^#/ { print; next }
    !body {
      body = 1
      print "# Generated from " source " by generate-manifests.sh: edit that file instead."
      print "apiVersion: monitoring.coreos.com/v1"
      print "kind: PrometheusRule"
      print "metadata:"
      print "  name: " name
      print "  namespace: monitoring"
      print "  labels:"
      print "    app.kubernetes.io/name: " name
      print "    app.kubernetes.io/part-of: tokenlabs-chaos"
      print "    prometheus: k8s"
      print "    role: alert-rules"
      print "spec:"
    }
    /^$/ { print; next }
    { print "  " $0 }
  ' "$1"
}

stale=0
for source in prometheus/*.rules.yml; do
  target=$(basename "$source" .rules.yml).yaml
  if $check; then
    if ! manifest "$source" | cmp -s - "$target"; then
      echo "rules/$target is not what rules/$source generates: run rules/generate-manifests.sh" >&2
      stale=1
    fi
  else
    manifest "$source" > "$target"
    echo "wrote rules/$target"
  fi
done
exit $stale
