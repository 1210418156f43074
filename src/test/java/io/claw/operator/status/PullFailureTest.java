package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class PullFailureTest {

  private static Pod pod(ContainerStatus... init) {
    return new PodBuilder().withNewStatus().withInitContainerStatuses(init)
        .withContainerStatuses(status("claw").withNewState().withNewWaiting().withReason("PodInitializing")
            .endWaiting().endState().build())
        .endStatus().build();
  }

  private static ContainerStatusBuilder status(String name) {
    return new ContainerStatusBuilder().withName(name).withImageID("");
  }

  private static ContainerStatusBuilder pullFailing(String name) {
    return status(name).withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState();
  }

  @Test
  void aPodWhoseOnlyContainerWaitsOnAPullNeverRan() {
    Pod pod = new PodBuilder().withNewStatus().withContainerStatuses(pullFailing("claw").build()).endStatus().build();
    assertTrue(PullFailure.blocksPodThatNeverRan(pod));
  }

  @Test
  void aContainerThatRanBeforeMakesThePodOneToStopGracefully() {
    Pod restarted = new PodBuilder().withNewStatus().withContainerStatuses(pullFailing("claw")
        .withNewLastState().withNewTerminated().withExitCode(0).endTerminated().endLastState().build())
        .endStatus().build();
    assertFalse(PullFailure.blocksPodThatNeverRan(restarted), "an app ran and may be stopping");
    Pod initRan = pod(status("init").withNewState().withNewTerminated().withExitCode(0).endTerminated().endState()
        .build(), pullFailing("second-init").build());
    assertFalse(PullFailure.blocksPodThatNeverRan(initRan));
  }

  @Test
  void aPodWithoutAPullFailureIsNotBlockedOnOne() {
    assertFalse(PullFailure.blocksPodThatNeverRan(pod()));
    assertFalse(PullFailure.blocksPodThatNeverRan(new Pod()));
  }

  @Test
  void anInitContainerThatCannotPullBlocksThePod() {
    assertTrue(PullFailure.blocksPodThatNeverRan(pod(pullFailing("init").build())));
  }
}
