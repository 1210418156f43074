package io.claw.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One instance of the containerised app, run by the operator as a single owned Pod, with a claim
 * (spec.storage) and a Service (spec.service) of its own when asked for.
 */
@Group(ClawInstance.GROUP)
@Version(ClawInstance.VERSION)
@ShortNames(ClawInstance.SHORT_NAME)
// Named, not derived: without them every ClawInstance constructed (each watch event, response and
// clone) derives the plural from the kind with fabric8's regular expressions (2.5 % of a profile).
@Plural(ClawInstance.PLURAL)
@Singular(ClawInstance.SINGULAR)
// kubectl shows the columns in this order (CrdShape keeps it): READY first and AGE last, as for built-in kinds
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "Address", jsonPath = ".status.address", type = Type.STRING)
@AdditionalPrinterColumn(name = "Pull-Policy", jsonPath = ".status.pullPolicy", type = Type.STRING)
@AdditionalPrinterColumn(name = "Policy-Source", jsonPath = ".status.pullPolicySource", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Policy-Rule", jsonPath = ".status.pullPolicyRule", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Image-Up-To-Date", jsonPath = ".status.conditions[?(@.type==\"ImageUpToDate\")].reason",
    type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Pull-Failure", jsonPath = ".status.pullFailureReason", type = Type.STRING)
@AdditionalPrinterColumn(name = "Cause", jsonPath = ".status.pullFailure.cause", type = Type.STRING)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Hint", jsonPath = ".status.pullFailure.hint", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ClawInstance extends CustomResource<ClawInstanceSpec, ClawInstanceStatus> implements Namespaced {

  public static final String GROUP = "claw.io";
  public static final String VERSION = "v1alpha1";
  public static final String SHORT_NAME = "claw";
  public static final String PLURAL = "clawinstances";
  public static final String SINGULAR = "clawinstance";

  @Override
  protected ClawInstanceSpec initSpec() {
    return new ClawInstanceSpec();
  }
}
