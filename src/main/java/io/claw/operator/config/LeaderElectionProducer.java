package io.claw.operator.config;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Turns leader election on from runtime config, so that the Helm chart can enable it per
 * release. QOSDK reads this bean when it starts the operator in the prod profile; no bean (null)
 * means no leader election.
 */
@ApplicationScoped
public class LeaderElectionProducer {

  private static final Logger LOG = Logger.getLogger(LeaderElectionProducer.class);

  private final AtomicBoolean shuttingDown = new AtomicBoolean();

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(ClawOperatorConfig config) {
    ClawOperatorConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    // JOSDK's own exit-on-stop-leading calls System.exit, which deadlocks when leadership ends
    // because the JVM is already shutting down (SIGTERM): the Pod would hang until SIGKILL.
    LeaderCallbacks callbacks = new LeaderCallbacks(() -> { }, this::leadershipLost, leader -> { });
    return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), null, callbacks, false);
  }

  /** Runs before QOSDK stops the operator (and with it, leadership). */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    shuttingDown.set(true);
  }

  private void leadershipLost() {
    if (!shuttingDown.get()) {
      // Another replica may be reconciling now: stop and let Kubernetes restart this one.
      LOG.error("Lost the leader election lease; exiting so that the operator restarts as a follower");
      Quarkus.asyncExit(1);
    }
  }
}
