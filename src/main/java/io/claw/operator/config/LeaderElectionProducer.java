package io.claw.operator.config;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
  private static final Duration LEASE_DURATION = Duration.ofSeconds(15);

  private final ClawOperatorConfig config;
  private final KubernetesClient client;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  /** Unique per process, as client-go makes it: two operators on one host must not share one. */
  private final String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("claw-operator")
      + "_" + UUID.randomUUID();

  @Inject
  public LeaderElectionProducer(ClawOperatorConfig config, KubernetesClient client) {
    this.config = config;
    this.client = client;
  }

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection() {
    ClawOperatorConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    // JOSDK's own exit-on-stop-leading calls System.exit, which deadlocks when leadership ends
    // because the JVM is already shutting down (SIGTERM): the Pod would hang until SIGKILL.
    // Fixed in JOSDK 5.3.5 (operator-framework/java-operator-sdk#3383); Maven Central as served
    // here has no JOSDK newer than 5.3.2, the one QOSDK 7.7.3 brings.
    LeaderCallbacks callbacks = new LeaderCallbacks(() -> { }, this::leadershipLost, leader -> { });
    return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null),
        LEASE_DURATION, Duration.ofSeconds(10), Duration.ofSeconds(2), identity, callbacks, false);
  }

  /** Runs before QOSDK stops the operator (and with it, leadership). */
  void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
    shuttingDown.set(true);
  }

  /**
   * Gives the Lease up at once rather than leaving it to expire (as client-go's ReleaseOnCancel
   * does; JOSDK has no such option), so that the next operator takes over within its retry period
   * instead of the lease duration. JOSDK stops leading after its controllers stopped and before
   * it closes the client, so nothing reconciles here any more and the client still works.
   */
  private void releaseLease() {
    ClawOperatorConfig.LeaderElection election = config.leaderElection();
    String namespace = election.leaseNamespace().orElse(client.getNamespace());
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(election.leaseName()).get();
      if (lease == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
      // fails with a conflict if another operator wrote the Lease meanwhile: then it is theirs
      client.resource(lease).lockResourceVersion().update();
      LOG.infof("Released the leader election Lease %s/%s", namespace, election.leaseName());
    } catch (KubernetesClientException e) {
      LOG.warnf("Could not release the leader election Lease %s/%s (it expires within %s): %s", namespace,
          election.leaseName(), LEASE_DURATION, e.getMessage());
    }
  }

  private void leadershipLost() {
    if (shuttingDown.get()) {
      releaseLease();
    } else {
      // Another replica may be reconciling now: stop and let Kubernetes restart this one.
      LOG.error("Lost the leader election lease; exiting so that the operator restarts as a follower");
      Quarkus.asyncExit(1);
    }
  }
}
