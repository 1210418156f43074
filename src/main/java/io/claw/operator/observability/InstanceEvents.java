package io.claw.operator.observability;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.Reasons;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;

/** Kubernetes Events on a ClawInstance when an image pull failure starts or ends. */
public final class InstanceEvents {

  public static final String COMPONENT = "claw-operator";

  private InstanceEvents() {
  }

  /** The Event for a transition: Warning with the kubelet's reason, or Normal on recovery. */
  public static Optional<Event> forTransition(ClawInstance instance, ClawInstanceStatus status,
      PullFailureTransition transition, Instant now) {
    return switch (transition) {
      case NONE -> Optional.empty();
      case STARTED, CAUSE_CHANGED -> Optional.of(event(instance, "Warning",
          status.condition(ClawCondition.IMAGE_PULL_FAILED).map(ClawCondition::reason).orElse("ImagePullFailed"),
          withDiagnosis(status), now));
      case RECOVERED -> Optional.of(event(instance, "Normal", Reasons.IMAGE_PULL_RECOVERED,
          "Image " + status.image() + " (pullPolicy " + status.pullPolicy() + ") is no longer failing to pull", now));
    };
  }

  /**
   * A Warning when the status starts to carry a pull-policy notice, or another one: once per
   * instance and notice, however often the instance is reconciled.
   */
  public static Optional<Event> forNotice(ClawInstance instance, EffectivePullPolicy.Notice notice, Instant now) {
    String before = instance.getStatus() == null ? null : instance.getStatus().pullPolicyNote();
    if (notice == null || notice.message().equals(before)) {
      return Optional.empty();
    }
    return Optional.of(warning(instance, notice.reason(), notice.message(), now));
  }

  /** The status message, then the cause and the hint: an Event says what to do, as the status does. */
  private static String withDiagnosis(ClawInstanceStatus status) {
    PullFailureReport report = status.pullFailure();
    return report == null ? status.message()
        : status.message().replaceFirst("\\.?$", ". ") + "Cause: " + report.cause() + " (" + report.registry() + "). "
            + report.hint();
  }

  /** A Warning Event on the instance. */
  public static Event warning(ClawInstance instance, String reason, String message, Instant now) {
    return event(instance, "Warning", reason, message, now);
  }

  /** A Normal Event on the instance. */
  public static Event normal(ClawInstance instance, String reason, String message, Instant now) {
    return event(instance, "Normal", reason, message, now);
  }

  private static Event event(ClawInstance instance, String type, String reason, String message, Instant now) {
    String time = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    return new EventBuilder()
        .withNewMetadata()
          // kubectl's naming scheme: the object's name and a unique suffix
          .withName(instance.getMetadata().getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
          .withNamespace(instance.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(instance.getApiVersion())
          .withKind(instance.getKind())
          .withName(instance.getMetadata().getName())
          .withNamespace(instance.getMetadata().getNamespace())
          .withUid(instance.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }
}
