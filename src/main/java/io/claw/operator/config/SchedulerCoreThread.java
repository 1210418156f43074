package io.claw.operator.config;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.StartupEvent;

/**
 * Gives JOSDK's scheduler one core thread once the operator has started. JOSDK 5.3 builds it with
 * none ({@code Executors.newScheduledThreadPool(0)}), and a ScheduledThreadPoolExecutor without a
 * core thread keeps a worker that waits for the next task in polls of 10 ms instead of sleeping
 * until it is due (JDK-8129861): the idle operator woke 100 times a second (what that cost is in
 * docs/benchmark.md). With one core thread the worker sleeps until the next task.
 */
@ApplicationScoped
public class SchedulerCoreThread {

  private static final Logger LOG = Logger.getLogger(SchedulerCoreThread.class);
  /** After QOSDK's own StartupEvent observer, which starts the operator and with it the scheduler. */
  static final int AFTER_THE_OPERATOR_STARTS = 3124;

  void onStart(@Observes @Priority(AFTER_THE_OPERATOR_STARTS) StartupEvent started, Operator operator) {
    give(operator.getConfigurationService().getExecutorServiceManager().scheduledExecutorService());
  }

  /** One core thread for a scheduler that has none; any other is left as it is. */
  static void give(ScheduledExecutorService scheduler) {
    if (scheduler instanceof ScheduledThreadPoolExecutor pool && pool.getCorePoolSize() == 0) {
      pool.setCorePoolSize(1);
    } else if (scheduler == null) {
      LOG.debug("JOSDK's scheduler is not started yet; left as JOSDK builds it");
    }
  }
}
