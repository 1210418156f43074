#!/usr/bin/env bash
# Benchmarks the packaged operator against a real kube-apiserver + etcd, side by side with a
# plain client, and prints a table (also written to target/benchmark/results.md).
#   hack/benchmark.sh            # N = 100 and 1000
#   hack/benchmark.sh 100,500    # other sizes
# The operator's JVM sizes itself as in the Helm chart's container (512Mi limit, heap at most 50 %);
# CLAW_BENCH_OPERATOR_JVM gives it other options. CLAW_BENCH_JFR=true records
# target/benchmark/operator.jfr.
set -euo pipefail
cd "$(dirname "$0")/.."

bash hack/provision-kube-api-test.sh
./mvnw -q -B package -DskipTests
./mvnw -q -B test-compile exec:java \
  -Dexec.mainClass=io.claw.operator.bench.Benchmark -Dexec.classpathScope=test \
  -Dclaw.bench.sizes="${1:-100,1000}" -Dclaw.bench.jfr="${CLAW_BENCH_JFR:-false}" \
  -Dclaw.bench.operatorJvm="${CLAW_BENCH_OPERATOR_JVM:--XX:MaxRAM=512m -XX:MaxRAMPercentage=50}"
