package io.claw.operator.testing;

import io.claw.operator.api.ClawInstance;
import io.claw.operator.api.ClawInstanceStatus;
import io.claw.operator.api.PullPolicy;

/**
 * The one way tests build a ClawInstance: a name, and only what the test cares about. Each
 * {@code with} gives a new description, so a test class can keep one as a constant and vary it;
 * {@link #build()} makes a new instance every time.
 */
public record TestInstance(String name, String namespace, String uid, Long generation, String image,
    PullPolicy pullPolicy, ClawInstanceStatus status) {

  public static TestInstance named(String name) {
    return new TestInstance(name, null, null, null, null, null, null);
  }

  public TestInstance in(String inNamespace) {
    return new TestInstance(name, inNamespace, uid, generation, image, pullPolicy, status);
  }

  public TestInstance uid(String withUid) {
    return new TestInstance(name, namespace, withUid, generation, image, pullPolicy, status);
  }

  public TestInstance generation(long atGeneration) {
    return new TestInstance(name, namespace, uid, atGeneration, image, pullPolicy, status);
  }

  public TestInstance image(String withImage) {
    return new TestInstance(name, namespace, uid, generation, withImage, pullPolicy, status);
  }

  public TestInstance pullPolicy(PullPolicy withPolicy) {
    return new TestInstance(name, namespace, uid, generation, image, withPolicy, status);
  }

  public TestInstance status(ClawInstanceStatus withStatus) {
    return new TestInstance(name, namespace, uid, generation, image, pullPolicy, withStatus);
  }

  public ClawInstance build() {
    ClawInstance instance = new ClawInstance();
    instance.getMetadata().setName(name);
    instance.getMetadata().setNamespace(namespace);
    instance.getMetadata().setUid(uid);
    instance.getMetadata().setGeneration(generation);
    instance.getSpec().setImage(image);
    instance.getSpec().setPullPolicy(pullPolicy);
    instance.setStatus(status);
    return instance;
  }
}
