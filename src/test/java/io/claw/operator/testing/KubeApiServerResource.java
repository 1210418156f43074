package io.claw.operator.testing;

import java.util.Map;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the operator under test at a real kube-apiserver (see {@link TestCluster}) through a
 * kubeconfig file, the way users run it.
 */
public class KubeApiServerResource implements QuarkusTestResourceLifecycleManager {

  private static TestCluster cluster;

  /** The cluster the running test talks to. */
  public static TestCluster cluster() {
    return cluster;
  }

  /** Extra kube-apiserver flags, for subclasses that need a differently configured server. */
  protected String[] apiServerFlags() {
    return new String[0];
  }

  @Override
  public Map<String, String> start() {
    cluster = new TestCluster(getClass().getSimpleName(), apiServerFlags()).start();
    // Read by the fabric8 client that Quarkus builds for the operator and for the tests.
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, cluster.kubeconfig().toString());
    return Map.of();
  }

  @Override
  public void stop() {
    System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
