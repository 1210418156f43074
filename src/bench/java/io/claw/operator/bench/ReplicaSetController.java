package io.claw.operator.bench;

import java.nio.file.Path;
import java.util.List;

import io.claw.operator.testing.ControllerManager;
import io.claw.operator.testing.TestCluster;

/**
 * The benchmark's peer: Kubernetes' own ReplicaSet controller (kube-controller-manager with only
 * that controller), built from the same source as the API server. It watches a resource, creates
 * one Pod for it and writes its status: this operator's work, in Go. Its client limits are raised
 * as far as the operator's go (JOSDK has no client-side rate limit), and it runs as many syncs at
 * once as JOSDK runs reconciles (50). The same process runs the StatefulSet controller, the peer of
 * instances with a claim and a Service (a StatefulSet of one replica with a claim template), and the
 * Job controller, the peer of instances that run to completion (its concurrency is fixed in 1.20).
 */
final class ReplicaSetController {

  private ReplicaSetController() {
  }

  static ControllerManager start(TestCluster cluster) {
    return ControllerManager.start(cluster, Path.of("target", "benchmark", "kube-controller-manager.log"),
        List.of("replicaset", "statefulset", "job"), "--kube-api-qps", "1000", "--kube-api-burst", "2000",
        "--concurrent-replicaset-syncs", "50", "--concurrent-statefulset-syncs", "50");
  }
}
