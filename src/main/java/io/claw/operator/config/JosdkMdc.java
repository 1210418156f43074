package io.claw.operator.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.javaoperatorsdk.operator.api.config.Utils;
import io.quarkus.runtime.StartupEvent;

/**
 * Turns JOSDK's logging MDC off unless the JVM was told otherwise
 * ({@code -DJAVA_OPERATOR_SDK_USE_MDC=true}, JOSDK's own switch). JOSDK puts the resource's name,
 * namespace, kind, version, generation and uid in the MDC around every reconcile and every event
 * an informer hands on, and removes them after: a dozen MDC writes per event on Quarkus's
 * Vert.x-aware MDC. Nothing reads them: the operator's log format has no MDC field, and its own
 * log lines name the instance. Under Quarkus the values are also not to be trusted when reconciles
 * overlap (quarkiverse/quarkus-operator-sdk#1203). What they cost is in docs/benchmark.md.
 *
 * <p>JOSDK reads the switch once, when its MDC class is first used, which is when the operator's
 * informers hand on their first events: so before QOSDK's observer of the same event starts the
 * operator.
 */
@ApplicationScoped
public class JosdkMdc {

  void beforeTheOperatorStarts(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
    offUnlessAsked();
  }

  static void offUnlessAsked() {
    if (System.getProperty(Utils.USE_MDC_ENV_KEY) == null) {
      System.setProperty(Utils.USE_MDC_ENV_KEY, "false");
    }
  }
}
