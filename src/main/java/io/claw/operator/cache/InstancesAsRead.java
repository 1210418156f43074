package io.claw.operator.cache;

import static io.claw.operator.cache.SharedStrings.share;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.claw.operator.api.ClawCondition;
import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceSpec;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.PodSecurityReport;
import io.claw.operator.api.ResolvedImage;

/**
 * The ClawInstance informer cache. Besides dropping managedFields, it keeps one copy of what
 * recurs from instance to instance: the empty lists and maps an instance's spec starts with (ten
 * of them since the spec describes a real app's Pod), and the status strings that are the same
 * for a namespace or a rule (the Pod Security reason, the pull-policy rule and note, the image,
 * and for instances that share a tracked tag its resolution and ImageUpToDate message).
 * The operator only reads cached instances, so sharing immutable empties is safe.
 */
public class InstancesAsRead extends WithoutManagedFields<ClawInstance> {

  @Override
  public ClawInstance put(String key, ClawInstance instance) {
    ClawInstanceSpec spec = instance.getSpec();
    if (spec != null) {
      shareEmpty(spec::getImagePullSecrets, spec::setImagePullSecrets);
      shareEmpty(spec::getEnv, spec::setEnv);
      shareEmpty(spec::getCommand, spec::setCommand);
      shareEmpty(spec::getArgs, spec::setArgs);
      shareEmpty(spec::getVolumes, spec::setVolumes);
      shareEmpty(spec::getVolumeMounts, spec::setVolumeMounts);
      shareEmpty(spec::getTolerations, spec::setTolerations);
      shareEmptyMap(spec::getNodeSelector, spec::setNodeSelector);
      shareEmptyMap(spec::getPodLabels, spec::setPodLabels);
      shareEmptyMap(spec::getPodAnnotations, spec::setPodAnnotations);
      spec.setImage(share(spec.getImage()));
    }
    ClawInstanceStatus status = instance.getStatus();
    if (status != null) {
      PodSecurityReport security = status.podSecurity();
      ResolvedImage resolved = status.resolvedImage();
      instance.setStatus(status.toBuilder()
          .image(share(status.image()))
          .resolvedImage(resolved == null ? null : new ResolvedImage(resolved.mode(), share(resolved.tag()),
              share(resolved.digest()), share(resolved.resolvedAt())))
          .conditions(status.conditions() == null ? null : status.conditions().stream()
              .map(c -> ClawCondition.IMAGE_UP_TO_DATE.equals(c.type())
                  ? new ClawCondition(c.type(), c.status(), c.reason(), share(c.message()), c.lastTransitionTime(),
                      c.observedGeneration())
                  : c)
              .toList())
          .pullPolicyRule(share(status.pullPolicyRule()))
          .pullPolicyNote(share(status.pullPolicyNote()))
          .podSecurity(security == null ? null : new PodSecurityReport(security.profile(), share(security.reason())))
          .build());
    }
    return super.put(key, instance);
  }

  private static <T> void shareEmpty(Supplier<List<T>> get, Consumer<List<T>> set) {
    if (get.get().isEmpty()) {
      set.accept(List.of());
    }
  }

  private static void shareEmptyMap(Supplier<Map<String, String>> get, Consumer<Map<String, String>> set) {
    if (get.get().isEmpty()) {
      set.accept(Map.of());
    }
  }
}
