package io.claw.operator.status;

import io.fabric8.kubernetes.api.model.Service;

/**
 * What the status says of spec.service is computed from.
 *
 * @param service the instance's Service; null when none exists or another's holds the name
 * @param refusal the API server's answer when it refused to create or update the Service; null otherwise
 */
public record ServiceFacts(String name, Service service, boolean nameConflict, String refusal) {

  public ServiceFacts(String name, Service service, boolean nameConflict) {
    this(name, service, nameConflict, null);
  }
}
