package io.claw.operator.testing;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import io.claw.operator.api.ClawInstance;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * On a failed test, prints what the API server held in the test's namespace (the instances with
 * their status, the Pods with theirs, the Events) and the operator's WARN and ERROR lines.
 */
public final class ShowOnFailure implements TestWatcher {

  private final Supplier<KubernetesClient> client;
  private final Supplier<String> namespace;
  private final Supplier<OperatorLog> log;

  public ShowOnFailure(Supplier<KubernetesClient> client, Supplier<String> namespace, Supplier<OperatorLog> log) {
    this.client = client;
    this.namespace = namespace;
    this.log = log;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String ns = namespace.get();
    StringBuilder out = new StringBuilder("=== " + context.getDisplayName() + " failed; what it saw in namespace "
        + ns + " ===\n");
    try {
      KubernetesClient c = client.get();
      var json = c.getKubernetesSerialization();
      c.resources(ClawInstance.class).inNamespace(ns).list().getItems().forEach(ci -> out.append("instance ")
          .append(ci.getMetadata().getName()).append(": ").append(json.asJson(ci.getStatus())).append('\n'));
      c.pods().inNamespace(ns).list().getItems().forEach(p -> out.append("pod ").append(p.getMetadata().getName())
          .append(" uid=").append(p.getMetadata().getUid()).append(" deleting=")
          .append(p.getMetadata().getDeletionTimestamp()).append(" annotations=")
          .append(p.getMetadata().getAnnotations()).append(" status=").append(json.asJson(p.getStatus())).append('\n'));
      c.v1().events().inNamespace(ns).list().getItems().forEach(e -> out.append("event ").append(e.getType())
          .append(' ').append(e.getReason()).append(" on ").append(e.getInvolvedObject().getName()).append(": ")
          .append(e.getMessage()).append('\n'));
    } catch (RuntimeException e) {
      out.append("(could not read the namespace: ").append(e).append(")\n");
    }
    OperatorLog lines = log.get();
    if (lines != null) {
      out.append("--- the operator's WARN/ERROR lines ---\n");
      lines.problems().forEach(l -> out.append(l).append('\n'));
    }
    System.err.println(out);
  }
}
