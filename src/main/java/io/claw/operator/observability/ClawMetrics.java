package io.claw.operator.observability;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.Phase;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.client.ApiTransport;
import io.claw.operator.client.ApiTransports;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The operator's own Prometheus metrics (JOSDK adds reconcile counts, durations and errors).
 * Instances by phase are counted from the informer cache when scraped, so deleted instances
 * drop out without any bookkeeping.
 */
@ApplicationScoped
public class ClawMetrics {

  public static final String INSTANCES = "claw.instances";
  public static final String PULL_FAILURES = "claw.image.pull.failures";
  public static final String PULL_FAILING = "claw.instances.pull.failing";
  public static final String POD_REPLACEMENTS = "claw.pod.replacements";
  public static final String REGISTRY_REQUESTS = "claw.registry.requests";
  public static final String RUNS_FINISHED = "claw.runs.finished";
  public static final String RUN_DURATION = "claw.run.duration";
  public static final String PULLS_AHEAD = "claw.image.pulls.ahead";
  public static final String REFUSALS = "claw.refusals";
  /** What the API server can refuse the operator, counted in claw_refusals_total{kind}. */
  public static final java.util.List<String> REFUSED_KINDS = java.util.List.of("pod", "puller");
  public static final String PULL_AHEAD_DURATION = "claw.image.pull.ahead.duration";
  public static final String API_CONNECTIONS = "claw.api.client.connections";

  private final MeterRegistry registry;
  private final List<Meter> gauges = new CopyOnWriteArrayList<>();

  @Inject
  public ClawMetrics(MeterRegistry registry) {
    this.registry = registry;
    // series from the start, so that a dashboard's panels and rate() see them before the first one
    REFUSED_KINDS.forEach(kind -> refusals(kind));
    pullsAheadCounter("started", null);
    pullsAheadCounter("pulled", null);
    countApiConnections();
  }

  /** The connections the operator's client opened to the API server, by HTTP version, TLS implementation and transport. */
  private void countApiConnections() {
    for (String version : List.of("HTTP_1_1", "HTTP_2")) {
      for (ApiTransport.Tls tls : ApiTransport.Tls.values()) {
        for (String transport : List.of(ApiTransports.EPOLL, ApiTransports.NIO)) {
          gauges.add(FunctionCounter.builder(API_CONNECTIONS, version,
                  v -> ApiTransports.opened(v, tls.label(), transport))
              .description("Connections opened to the API server, by HTTP version, by the TLS implementation of their "
                  + "session and by the I/O transport of the event loop (Netty's epoll or Java NIO)")
              .tag("http_version", version)
              .tag("tls", tls.label())
              .tag("transport", transport)
              .register(registry));
        }
      }
    }
  }

  /** The API server refused a write of the operator (quota, admission, validation): counted once per refusal reported. */
  public void refused(String kind) {
    refusals(kind).increment();
  }

  private Counter refusals(String kind) {
    return Counter.builder(REFUSALS)
        .description("Writes the API server refused (quota, admission, validation), by kind of object")
        .tag("kind", kind)
        .register(registry);
  }

  public void countInstancesByPhase(IndexedResourceCache<ClawInstance> instances) {
    for (Phase phase : Phase.values()) {
      gauges.add(Gauge.builder(INSTANCES, instances, cache -> cache.list()
              .filter(ci -> ci.getStatus() != null && Objects.equals(ci.getStatus().phase(), phase))
              .count())
          .description("ClawInstances by phase")
          .tag("phase", phase.name())
          .strongReference(true)
          .register(registry));
    }
    for (PullFailureCause cause : PullFailureCause.values()) {
      gauges.add(Gauge.builder(PULL_FAILING, instances, cache -> cache.list()
              .filter(ci -> ci.getStatus() != null && ci.getStatus().pullFailure() != null
                  && ci.getStatus().pullFailure().cause() == cause)
              .count())
          .description("ClawInstances whose image does not pull now, by cause")
          .tag("cause", cause.value())
          .strongReference(true)
          .register(registry));
    }
  }

  /**
   * The registry can outlive this operator (a restart in the same JVM, as in tests); a gauge
   * left behind would keep reading a stopped cache and shadow the new one.
   */
  @PreDestroy
  void unregisterGauges() {
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  /** Called once per failure that starts, or changes its cause; not per reconcile. */
  public void pullFailureStarted(String reason, PullFailureCause cause) {
    Counter.builder(PULL_FAILURES)
        .description("Image pull failures that started, by the kubelet's reason and the operator's cause")
        .tag("reason", reason)
        .tag("cause", cause == null ? PullFailureCause.UNKNOWN.value() : cause.value())
        .register(registry)
        .increment();
  }

  /** A Pod that ended was replaced; {@code reason} is the Pod's status reason (Evicted, ...). */
  public void podReplaced(String reason) {
    Counter.builder(POD_REPLACEMENTS)
        .description("Pods that ended (evicted, refused or stopped by their node) and were replaced, by the Pod's reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** One request to a registry to resolve a tag; {@code outcome} is digest or why there was none. */
  public void registryRequest(String host, String outcome) {
    Counter.builder(REGISTRY_REQUESTS)
        .description("Requests to registries to resolve tags to digests, by registry and outcome")
        .tag("registry", host)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /**
   * A run to completion ended: {@code outcome} Succeeded or Failed, {@code reason} how (Completed,
   * BackoffLimitExceeded, DeadlineExceeded, ImagePullFailed), and how long it took from its first Pod.
   */
  public void runFinished(String outcome, String reason, Duration took) {
    Counter.builder(RUNS_FINISHED)
        .description("Runs to completion that ended, by outcome and reason")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry)
        .increment();
    Timer.builder(RUN_DURATION)
        .description("How long runs to completion took from their first Pod to their end, by outcome")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  /** A puller was created: a new image is pulled onto a running Pod's node before the Pod moves to it. */
  public void pullAheadStarted() {
    pullsAhead("started", null);
  }

  /** A pull ahead that fails, counted once per failure that starts or changes its cause. */
  public void pullAheadFailed(PullFailureCause cause) {
    pullsAhead("failed", cause);
  }

  /** A puller's image is on the node, {@code took} after the puller was created; counted once per puller. */
  public void pullAheadDone(Duration took) {
    pullsAhead("pulled", null);
    Timer.builder(PULL_AHEAD_DURATION)
        .description("How long pulls ahead of an image switch took, from the puller's creation to its image starting")
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  private void pullsAhead(String outcome, PullFailureCause cause) {
    pullsAheadCounter(outcome, cause).increment();
  }

  private Counter pullsAheadCounter(String outcome, PullFailureCause cause) {
    return Counter.builder(PULLS_AHEAD)
        .description("Pulls of a new image onto a running Pod's node ahead of the switch, by outcome and failure cause")
        .tag("outcome", outcome)
        .tag("cause", cause == null ? "" : cause.value())
        .register(registry);
  }
}
