#!/usr/bin/env bash
# Benchmarks the packaged operator against a real kube-apiserver + etcd, side by side with a
# plain client, and prints a table (also written to target/benchmark/results.md).
#   hack/benchmark.sh            # N = 100 and 1000
#   hack/benchmark.sh 100,500    # other sizes
set -euo pipefail
cd "$(dirname "$0")/.."

bash hack/provision-kube-api-test.sh
./mvnw -q -B package -DskipTests
./mvnw -q -B test-compile exec:java \
  -Dexec.mainClass=io.claw.operator.bench.Benchmark -Dexec.classpathScope=test \
  -Dclaw.bench.sizes="${1:-100,1000}" -Dclaw.bench.jfr="${CLAW_BENCH_JFR:-false}"
