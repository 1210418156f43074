package io.claw.operator.status;

import io.fabric8.kubernetes.api.model.Service;

/**
 * What the status says of spec.service is computed from.
 *
 * @param service the instance's Service; null when none exists or another's holds the name
 */
public record ServiceFacts(String name, Service service, boolean nameConflict) {
}
