package io.claw.operator.observability;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * JOSDK's reconcile metrics on the application's registry. QOSDK 7.7.3 provides these itself,
 * but in the prod profile its provider is wired before Micrometer binds it and the operator
 * ends up with Metrics.NOOP (quarkiverse/quarkus-operator-sdk#1385, fixed by PR #1389 in the
 * releases after 7.7.5). This bean replaces that default; drop it with a QOSDK that has the fix
 * (Maven Central as served here has none newer than 7.7.3).
 */
public class OperatorMetricsProducer {

  @Produces
  @Singleton
  Metrics operatorMetrics(MeterRegistry registry) {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }
}
