#!/usr/bin/env bash
# Checks the rules in rules/: extracts every PrometheusRule manifest's spec.groups into a plain rule
# file, runs `promtool check rules` on them and `promtool test rules` on rules/tests/*.test.yml, and
# checks every alert has a test where it fires and one where it stays silent. The extraction is Java
# (Jackson YAML, the same code the experiments use), so this runs PrometheusRulesIT through Maven:
# it needs a JDK 17, Maven and promtool (Debian/Ubuntu: apt-get install -y prometheus).
# Extra arguments go to Maven, e.g. rules/test-rules.sh -o (offline).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1 && [ -z "${PROMTOOL_BIN:-}" ]; then
  echo "promtool not found on PATH and PROMTOOL_BIN unset: apt-get install -y prometheus" >&2
  exit 2
fi

# The modules scenarios depends on, main code only (their own tests are not needed here).
mvn -B -q -pl scenarios -am install -Dmaven.test.skip=true "$@"
mvn -B -q -pl scenarios verify \
  -Dtest=PrometheusRuleManifestsTest -Dit.test=PrometheusRulesIT \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false "$@"

echo "Rule checks passed. Extracted rule files and tests: scenarios/target/prometheus-rules"
echo "Re-run by hand: (cd scenarios/target/prometheus-rules && promtool test rules *.test.yml)"
