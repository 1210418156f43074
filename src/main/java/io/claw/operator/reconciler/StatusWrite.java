package io.claw.operator.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The write stage of the status: what the operator writes, and when it need not write at all.
 *
 * <p>The status is the operator's alone, rebuilt from what it observes, conditions included: the
 * CRD declares the conditions an atomic list, so the operator's forced server-side apply replaces
 * the list whole, on 1.20 as on current versions, and a condition someone else added is gone with
 * the next write. What an apply cannot undo is a field that another manager set while the
 * operator's status has none (server-side apply removes only what the applier owned): such
 * leftovers, at any depth, are removed with a JSON Patch right after the apply. See docs/development.md, "The
 * status write".
 */
final class StatusWrite {

  /** For comparing JSON trees only: the status types say how they serialise. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusWrite() {
  }

  /** Whether the stored status differs from the computed one: the operator's status is all of it. */
  static boolean needed(ClawInstanceStatus stored, ClawInstanceStatus computed) {
    return !computed.equals(stored);
  }

  /**
   * Writes the status and returns the instance as the API server holds it after the write.
   */
  static ClawInstance write(ClawInstance instance, ClawInstanceStatus status, Context<ClawInstance> context) {
    // JOSDK's serverSideApplyPrimaryStatus, with the PATCH of DirectWrites
    ClawInstance written = context.resourceOperations().resourcePatch(statusOnly(instance, status),
        patch -> DirectWrites.applyStatus(context.getClient(), patch, context.getControllerConfiguration().fieldManager()),
        context.eventSourceRetriever().getControllerEventSource());
    if (written == null || status.equals(written.getStatus())) {
      return written; // the usual case: what was applied is all there is
    }
    List<Map<String, Object>> leftovers = leftovers(written.getStatus(), status);
    if (leftovers.isEmpty()) {
      return written;
    }
    // Its event brings one more reconcile, which finds nothing to write.
    return context.getClient().resources(ClawInstance.class)
        .inNamespace(instance.getMetadata().getNamespace()).withName(instance.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), context.getClient().getKubernetesSerialization().asJson(leftovers));
  }

  /**
   * JSON Patch operations that remove what the stored status holds and the computed one does not,
   * at any depth (lists are replaced whole by the apply): another manager's writes, which the
   * operator's apply cannot take away.
   */
  static List<Map<String, Object>> leftovers(ClawInstanceStatus stored, ClawInstanceStatus computed) {
    List<Map<String, Object>> operations = new ArrayList<>();
    if (stored != null) {
      collectLeftovers(JSON.valueToTree(stored), JSON.valueToTree(computed), "/status", operations);
    }
    return operations;
  }

  private static void collectLeftovers(JsonNode stored, JsonNode computed, String path,
      List<Map<String, Object>> operations) {
    stored.fields().forEachRemaining(field -> {
      String at = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
      JsonNode counterpart = computed == null ? null : computed.get(field.getKey());
      if (counterpart == null || counterpart.isNull()) {
        operations.add(Map.of("op", "remove", "path", at));
      } else if (field.getValue().isObject() && counterpart.isObject()) {
        collectLeftovers(field.getValue(), counterpart, at, operations);
      }
    });
  }

  /**
   * What a status write needs: which instance, and its status. No spec, and no resourceVersion
   * that a concurrent write to the instance would turn into a conflict.
   */
  static ClawInstance statusOnly(ClawInstance instance, ClawInstanceStatus status) {
    ClawInstance patch = new ClawInstance();
    patch.getMetadata().setName(instance.getMetadata().getName());
    patch.getMetadata().setNamespace(instance.getMetadata().getNamespace());
    patch.setSpec(null);
    patch.setStatus(status);
    return patch;
  }
}
