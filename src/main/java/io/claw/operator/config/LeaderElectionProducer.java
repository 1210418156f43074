package io.claw.operator.config;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Turns leader election on from runtime config, so that the Helm chart can enable it per
 * release. QOSDK reads this bean when it starts the operator in the prod profile; no bean (null)
 * means no leader election.
 */
public class LeaderElectionProducer {

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(ClawOperatorConfig config) {
    ClawOperatorConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null));
  }
}
