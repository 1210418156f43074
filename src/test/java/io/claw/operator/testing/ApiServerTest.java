package io.claw.operator.testing;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The base of the tests that run the operator against a real API server: the operator's client,
 * a fresh namespace per test, the operator's log captured, and on failure a dump of what the
 * test saw ({@link ShowOnFailure}). The API server itself comes from the subclass's
 * {@code @WithTestResource}.
 */
public abstract class ApiServerTest {

  @Inject
  protected KubernetesClient client;

  /** The namespace of the running test. */
  protected String ns;
  protected OperatorLog log;

  @RegisterExtension
  final ShowOnFailure showOnFailure = new ShowOnFailure(() -> client, () -> ns, () -> log);

  @BeforeEach
  final void freshNamespaceAndLog() {
    ns = Fixtures.newNamespace(client);
    log = OperatorLog.capture();
  }

  @AfterEach
  final void detachLog() {
    log.close();
  }
}
