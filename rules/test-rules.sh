#!/usr/bin/env bash
# Checks the rules in rules/, the plain way first, then the project's own checks:
#   1. promtool check rules on the plain rule files (prometheus/*.rules.yml) and the tests' rule files;
#   2. promtool test rules tests/*.test.yml, run in rules/ as anyone would from a checkout;
#   3. the manifests (*.yaml) are what generate-manifests.sh writes from the plain files;
#   4. with --maven (extra arguments go to Maven, e.g. --maven -o): PrometheusRuleManifestsTest and
#      PrometheusRulesIT, which also check that every alert has a test where it fires and one where it
#      stays silent, and that every alert has for, severity and its annotations. Needs a JDK 17 and Maven.
# promtool comes with Prometheus (Debian/Ubuntu: apt-get install -y prometheus); PROMTOOL_BIN overrides.
set -euo pipefail
cd "$(dirname "$0")"

promtool="${PROMTOOL_BIN:-promtool}"
if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "promtool not found (PROMTOOL_BIN unset and none on PATH): apt-get install -y prometheus" >&2
  exit 2
fi

"$promtool" check rules prometheus/*.rules.yml tests/*.rules.yml
"$promtool" test rules tests/*.test.yml
./generate-manifests.sh --check
echo "promtool checks passed; manifests up to date"

if [ "${1:-}" = "--maven" ]; then
  shift
  cd ..
  mvn -B -q -pl scenarios -am verify \
    -Dtest=PrometheusRuleManifestsTest -Dit.test=PrometheusRulesIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@"
  echo "Maven rule checks passed"
fi
