package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ImageParts;
import io.claw.operator.api.Reasons;
import io.claw.operator.api.ResolvedImage;
import io.claw.operator.api.TagResolution;
import io.claw.operator.pod.ClawPod;
import io.claw.operator.pod.Labels;
import io.claw.operator.registry.ProbeAnswer;
import io.claw.operator.registry.TagResolver.Resolution;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Every way an instance's digest is chosen: mode, the live Pod's digest, the registry's answer. */
class DigestChoiceTest {

  private static final String REF = "registry.example.com/team/app:stable";
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final Instant EARLIER = Instant.parse("2026-12-02T09:00:00Z");

  /**
   * pod: the live Pod's pinned digest (- none, "tag" for a Pod running the tag, "other" pinned from
   * another tag); answer: the registry's digest, or cause, or - for none yet; running: the kubelet's imageID digest.
   */
  @ParameterizedTest(name = "{0}, pod {1}, answer {2}/{3}, running {4} -> {5} {6} {7}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // mode | pod   | answer | cause        | running | image digest | condition | reason
      "track  | -     | -      | -            | -       | -            | Unknown   | ResolvingTag",
      "track  | -     | -      | UNAUTHORIZED | -       | -            | Unknown   | RegistryUnauthorized",
      "track  | -     | a      | -            | -       | a            | True      | TagCurrent",
      "track  | a     | a      | -            | a       | a            | True      | TagCurrent",
      "track  | a     | b      | -            | a       | b            | False     | TagMoved",
      "track  | b     | b      | -            | a       | b            | False     | TagMoved",
      "track  | a     | -      | -            | a       | a            | Unknown   | ResolvingTag",
      "track  | a     | a      | UNREACHABLE  | a       | a            | Unknown   | RegistryUnreachable",
      "track  | a     | -      | THROTTLED    | a       | a            | Unknown   | RegistryThrottled",
      "track  | tag   | a      | -            | -       | a            | True      | TagCurrent",
      "track  | other | -      | NOT_FOUND    | -       | -            | Unknown   | TagNotFound",
      "pin    | -     | -      | -            | -       | -            | Unknown   | ResolvingTag",
      "pin    | -     | a      | -            | -       | a            | True      | Pinned",
      "pin    | a     | b      | -            | a       | a            | True      | Pinned",
      "pin    | a     | -      | UNREACHABLE  | a       | a            | True      | Pinned",
      "pin    | -     | -      | UNTRUSTED_CERTIFICATE | - | -         | Unknown   | RegistryCertificateUntrusted"})
  void decides(String mode, String pod, String answer, ProbeAnswer.Cause cause, String running, String expectedDigest,
      String status, String reason) {
    Optional<Pod> live = Optional.ofNullable(pod).map(p -> pod(p, running));
    Optional<Resolution> known = answer == null && cause == null ? Optional.empty()
        : Optional.of(new Resolution(digest(answer), EARLIER, cause, cause == null ? null : "why"));
    DigestChoice pin = DigestChoice.decide(TagResolution.parse(mode).orElseThrow(), REF, ImageParts.of(REF), live, known, null,
        NOW);
    ClawCondition condition = pin.report().condition();
    assertEquals(ClawCondition.IMAGE_UP_TO_DATE, condition.type());
    assertEquals(status, condition.status(), condition.toString());
    assertEquals(reason, condition.reason(), condition.toString());
    if (expectedDigest == null) {
      assertNull(pin.image());
      assertNull(pin.report().resolved());
      assertTrue(pin.follow(), "an instance waiting for a digest is told when one comes");
    } else {
      assertEquals("registry.example.com/team/app@" + digest(expectedDigest), pin.image());
      assertEquals(digest(expectedDigest), pin.report().resolved().digest());
      assertEquals(REF, pin.report().resolved().tag());
      assertEquals(mode.equals("track"), pin.follow(), "track follows the tag; a pinned Pod does not");
    }
  }

  @org.junit.jupiter.api.Test
  void resolvedAtIsWhenTheDigestWasFirstSeenAndSurvivesARestartThroughTheStatus() {
    Optional<Pod> live = Optional.of(pod("a", "a"));
    DigestChoice fresh = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), live,
        Optional.of(new Resolution(digest("a"), EARLIER, null, null)), null, NOW);
    assertEquals("2026-12-02T09:00:00Z", fresh.report().resolved().resolvedAt());
    ResolvedImage before = new ResolvedImage(TagResolution.TRACK, REF, digest("a"), "2026-12-01T00:00:00Z");
    DigestChoice restarted = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), live, Optional.empty(), before, NOW);
    assertEquals("2026-12-01T00:00:00Z", restarted.report().resolved().resolvedAt());
    DigestChoice askedAgain = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), live,
        Optional.of(new Resolution(digest("a"), NOW, null, null)), before, NOW);
    assertEquals("2026-12-01T00:00:00Z", askedAgain.report().resolved().resolvedAt(),
        "the restarted operator's first answer keeps the time the status had");
    assertEquals("registry.example.com/team/app@" + digest("a"), restarted.image(), "the Pod keeps its digest");
  }

  @org.junit.jupiter.api.Test
  void aReplacementPodRunsTheDigestOfTheStatusWhenTheRegistryCannotSay() {
    ResolvedImage before = new ResolvedImage(TagResolution.PIN, REF, digest("a"), "2026-12-01T00:00:00Z");
    Optional<Resolution> down = Optional.of(new Resolution(null, null, ProbeAnswer.Cause.UNREACHABLE, "refused"));
    for (TagResolution mode : new TagResolution[] {TagResolution.PIN, TagResolution.TRACK}) {
      DigestChoice pin = DigestChoice.decide(mode, REF, ImageParts.of(REF), Optional.empty(), down, before, NOW);
      assertEquals("registry.example.com/team/app@" + digest("a"), pin.image(), mode.toString());
    }
    DigestChoice pinAfterMove = DigestChoice.decide(TagResolution.PIN, REF, ImageParts.of(REF), Optional.empty(),
        Optional.of(new Resolution(digest("b"), NOW, null, null)), before, NOW);
    assertEquals("registry.example.com/team/app@" + digest("a"), pinAfterMove.image(), "pin keeps its digest");
    DigestChoice trackAfterMove = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), Optional.empty(),
        Optional.of(new Resolution(digest("b"), NOW, null, null)), before, NOW);
    assertEquals("registry.example.com/team/app@" + digest("b"), trackAfterMove.image(), "track takes the new one");
    ResolvedImage otherTag = new ResolvedImage(TagResolution.PIN, "registry.example.com/team/app:old", digest("a"), null);
    assertNull(DigestChoice.decide(TagResolution.PIN, REF, ImageParts.of(REF), Optional.empty(), down, otherTag, NOW).image(),
        "a digest resolved from another tag is not this tag's");
  }

  @org.junit.jupiter.api.Test
  void anOperatorThatHasNotAskedYetRepeatsWhatTheStatusSaid() {
    ResolvedImage before = new ResolvedImage(TagResolution.TRACK, REF, digest("a"), "2026-12-01T00:00:00Z");
    ClawCondition said = new ClawCondition(ClawCondition.IMAGE_UP_TO_DATE, ClawCondition.TRUE, Reasons.TAG_CURRENT,
        "The registry's " + REF + " is " + digest("a") + ", which the Pod runs", "2026-12-01T00:00:00Z", 3L);
    DigestChoice restarted = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), Optional.of(pod("a", "a")),
        Optional.empty(), before, said, NOW);
    assertEquals(said.withLastTransitionTime(null).message(), restarted.report().condition().message());
    assertEquals(Reasons.TAG_CURRENT, restarted.report().condition().reason());
    DigestChoice otherDigest = DigestChoice.decide(TagResolution.TRACK, REF, ImageParts.of(REF), Optional.of(pod("b", "b")),
        Optional.empty(), before, said, NOW);
    assertEquals(Reasons.RESOLVING_TAG, otherDigest.report().condition().reason(), "said of another digest");
  }

  @org.junit.jupiter.api.Test
  void aPinnedInstanceAsksNothingOnceItsDigestIsKnown() {
    ResolvedImage before = new ResolvedImage(TagResolution.PIN, REF, digest("a"), null);
    assertTrue(DigestChoice.pinnedAlready(TagResolution.PIN, REF, Optional.of(pod("a", "a")), null));
    assertTrue(DigestChoice.pinnedAlready(TagResolution.PIN, REF, Optional.empty(), before));
    org.junit.jupiter.api.Assertions.assertFalse(DigestChoice.pinnedAlready(TagResolution.PIN, REF, Optional.empty(), null));
    org.junit.jupiter.api.Assertions.assertFalse(DigestChoice.pinnedAlready(TagResolution.PIN, REF,
        Optional.of(pod("other", null)), null), "a Pod pinned from another tag");
    org.junit.jupiter.api.Assertions.assertFalse(DigestChoice.pinnedAlready(TagResolution.TRACK, REF,
        Optional.of(pod("a", "a")), before), "track always asks");
  }

  @org.junit.jupiter.api.Test
  void neverResolvedRegistriesSaySo() {
    ClawCondition condition = DigestChoice.notResolved(REF, "registry.example.com").condition();
    assertEquals(Reasons.NOT_RESOLVED, condition.reason());
    assertEquals(ClawCondition.UNKNOWN, condition.status());
  }

  private static String digest(String letter) {
    return letter == null ? null : "sha256:" + letter.repeat(64);
  }

  private static Pod pod(String pinned, String running) {
    String image = switch (pinned) {
      case "tag" -> REF;
      default -> "registry.example.com/team/app@" + digest(pinned.equals("other") ? "c" : pinned);
    };
    String from = pinned.equals("other") ? "registry.example.com/team/app:old" : pinned.equals("tag") ? null : REF;
    PodBuilder builder = new PodBuilder().withNewMetadata().withName("app")
        .withAnnotations(from == null ? Map.of() : Map.of(Labels.RESOLVED_FROM, from)).endMetadata()
        .withNewSpec().addNewContainer().withName(ClawPod.CONTAINER_NAME).withImage(image).endContainer().endSpec();
    if (running != null) {
      builder.withNewStatus().addNewContainerStatus().withName(ClawPod.CONTAINER_NAME)
          .withImageID("registry.example.com/team/app@" + digest(running)).endContainerStatus().endStatus();
    }
    return builder.build();
  }
}
