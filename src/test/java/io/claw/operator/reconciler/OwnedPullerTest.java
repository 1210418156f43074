package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * An instance joins a puller's waiters after it was judged from the cached puller; an event of the
 * puller handled in between does not name it, so the instance is judged again at once when the
 * puller changed or went meanwhile (seen in the benchmark: one instance of 1,000 stayed on its old
 * image, waiting for a puller that had finished).
 */
class OwnedPullerTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("the puller as judged", puller("7"), Optional.of(puller("7")), false),
        Arguments.of("the puller changed (it finished) after the judgement", puller("7"), Optional.of(puller("9")), true),
        Arguments.of("the puller went after the judgement", puller("7"), Optional.empty(), true),
        Arguments.of("none judged, none now (its event is yet to come)", null, Optional.empty(), false),
        Arguments.of("none judged, one now (another instance's, seen meanwhile)", null, Optional.of(puller("3")), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judgesAgainWhenThePullerChangedMeanwhile(String name, Pod judged, Optional<Pod> now, boolean again) {
    assertEquals(again, OwnedPuller.changedSinceJudged(judged, now));
  }

  private static Pod puller(String resourceVersion) {
    return new PodBuilder().withNewMetadata().withName("claw-puller").withNamespace("ns")
        .withResourceVersion(resourceVersion).endMetadata().build();
  }
}
