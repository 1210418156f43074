package io.claw.operator.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.junit.jupiter.api.Test;

class SchedulerCoreThreadTest {

  @Test
  void aSchedulerWithoutACoreThreadGetsOne() {
    ScheduledThreadPoolExecutor asJosdkBuildsIt = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(0);
    try {
      SchedulerCoreThread.give(asJosdkBuildsIt);

      assertEquals(1, asJosdkBuildsIt.getCorePoolSize());
    } finally {
      asJosdkBuildsIt.shutdownNow();
    }
  }

  @Test
  void aSchedulerWithCoreThreadsIsLeftAlone() {
    ScheduledThreadPoolExecutor sized = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(3);
    try {
      SchedulerCoreThread.give(sized);

      assertEquals(3, sized.getCorePoolSize());
    } finally {
      sized.shutdownNow();
    }
  }

  @Test
  void aSchedulerNotYetStartedIsNoError() {
    assertDoesNotThrow(() -> SchedulerCoreThread.give(null));
  }
}
