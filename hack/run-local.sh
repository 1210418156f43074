#!/usr/bin/env bash
# Runs claw-operator against an embedded control plane (a real kube-apiserver + etcd, the same
# the tests use) on a machine with no Kubernetes cluster and no Docker. Operator settings are
# taken from CLAW_OPERATOR_* environment variables, e.g.
#   CLAW_OPERATOR_DEFAULT_PULL_POLICY=Always hack/run-local.sh
# With a real node (kubelet, containerd, local registries; needs root), so that Pods really run:
#   CLAW_LOCAL_REAL_NODE=true hack/run-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/process-group.sh
source hack/lib/process-group.sh

run_as_group bash hack/provision-kube-api-test.sh
run_as_group ./mvnw -q -B package -DskipTests
run_as_group ./mvnw -q -B test-compile exec:java \
  -Dexec.mainClass=io.claw.operator.local.LocalRun -Dexec.classpathScope=test
