#!/usr/bin/env bash
# Benchmarks the packaged operator against a real kube-apiserver + etcd, side by side with
# Kubernetes' ReplicaSet controller doing the same work, and prints tables (also written to
# target/benchmark/results.md).
#   hack/benchmark.sh                   # N = 100 and 1000
#   hack/benchmark.sh 1000,3000,10000   # other sizes
# The operator's JVM gets the options the Helm chart gives it by default and sizes itself to the
# chart's memory limit; CLAW_BENCH_OPERATOR_JVM gives it other options instead.
# CLAW_BENCH_JFR=true records target/benchmark/operator.jfr (and operator-restart.jfr).
# CLAW_BENCH_SIZES_ONLY=true measures the sizes alone (no tracking, platform, runs or restart step).
# CLAW_OPERATOR_API_CLIENT_* (docs/configuration.md) pass to the operator: one lever per run.
#   hack/benchmark.sh json              # what reading one watch event costs, each way (JsonCost),
#                                       # with C1 alone as the chart's JVM, or CLAW_BENCH_JSON_JVM's options
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/process-group.sh
source hack/lib/process-group.sh

if [[ "${1:-}" == json ]]; then
  # no cluster: the event loop's JSON alone, with the JIT the chart gives the operator (C1)
  run_as_group ./mvnw -q -B -Pbench -DskipTests test-compile exec:exec -Dexec.executable=java \
    -Dexec.classpathScope=test -Dexec.args="${CLAW_BENCH_JSON_JVM:--XX:TieredStopAtLevel=1} -XX:+UseG1GC -Xmx256m -cp %classpath io.claw.operator.bench.JsonCost"
  exit 0
fi

run_as_group bash hack/provision-kube-api-test.sh
run_as_group ./mvnw -q -B package -DskipTests
run_as_group ./mvnw -q -B -Pbench -DskipTests test-compile exec:java \
  -Dexec.mainClass=io.claw.operator.bench.Benchmark -Dexec.classpathScope=test \
  -Dclaw.bench.sizes="${1:-100,1000}" -Dclaw.bench.jfr="${CLAW_BENCH_JFR:-false}" -Dclaw.bench.sizesOnly="${CLAW_BENCH_SIZES_ONLY:-false}" \
  -Dclaw.bench.operatorJvm="${CLAW_BENCH_OPERATOR_JVM:-}"
