package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The API server's answers, as kube-apiserver 1.20 writes them (the NamespaceLifecycle and
 * ResourceQuota admission plugins, Pod validation); SelfHealingTest provokes each for real.
 */
class RefusalTest {

  private static KubernetesClientException answer(int code, String reason, String message, String kind,
      String causeReason) {
    StatusBuilder status = new StatusBuilder().withCode(code).withReason(reason).withMessage(message)
        .withNewDetails().withKind(kind).endDetails();
    if (causeReason != null) {
      status.editDetails().addNewCause().withReason(causeReason).withMessage("namespace gone is being terminated")
          .withField("metadata.namespace").endCause().endDetails();
    }
    Status built = status.build();
    return new KubernetesClientException(built);
  }

  @Test
  void aNamespaceBeingDeletedIsNoRefusalToReport() {
    Refusal terminating = Refusal.of(answer(403, "Forbidden", "pods \"web\" is forbidden: unable to create new "
        + "content in namespace gone because it is being terminated", "pods", "NamespaceTerminating")).orElseThrow();
    assertTrue(terminating.namespaceGone());
    assertTrue(Refusal.of(answer(404, "NotFound", "namespaces \"gone\" not found", "namespaces", null))
        .orElseThrow().namespaceGone());
  }

  @Test
  void rulesThatRefuseThePodAreRefusals() {
    Refusal quota = Refusal.of(answer(403, "Forbidden", "pods \"web\" is forbidden: exceeded quota: pods, "
        + "requested: pods=1, used: pods=0, limited: pods=0", "pods", null)).orElseThrow();
    assertFalse(quota.namespaceGone());
    assertEquals("pods \"web\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=0, limited: pods=0",
        quota.answer());
    assertTrue(Refusal.of(answer(422, "Invalid", "Pod \"web\" is invalid: spec.containers[0].resources.requests: "
        + "Invalid value: \"2\": must be less than or equal to cpu limit", "Pod", null)).isPresent());
    assertTrue(Refusal.of(answer(500, "InternalError", "Internal error occurred: failed calling webhook "
        + "\"policy.example.com\": Post \"https://policy.svc:443/validate\": dial tcp: connection refused", "", null))
        .isPresent());
  }

  @Test
  void aRefusalWithoutAMessageStillSaysWhatItWas() {
    Refusal bare = Refusal.of(new KubernetesClientException(null, 403, null)).orElseThrow();
    assertEquals("HTTP 403", bare.answer());
  }

  @Test
  void transientFailuresAreLeftToTheRetry() {
    assertTrue(Refusal.of(answer(429, "TooManyRequests", "too many requests", "", null)).isEmpty());
    assertTrue(Refusal.of(answer(500, "InternalError", "etcdserver: request timed out", "", null)).isEmpty());
    assertTrue(Refusal.of(answer(503, "ServiceUnavailable", "the server is shutting down", "", null)).isEmpty());
    assertTrue(Refusal.of(new KubernetesClientException("Connection refused")).isEmpty(), "no answer at all");
    assertTrue(Refusal.of(new KubernetesClientException((String) null)).isEmpty(), "not even a message");
  }

  @Test
  void refusalsThatNameARuleSayWhatToChange() {
    assertEquals(Optional.of("Raise the namespace's ResourceQuota, free room in it, or ask for less in spec.resources."),
        Refusal.of(answer(403, "Forbidden", "pods \"web\" is forbidden: exceeded quota: pods, requested: pods=1",
            "pods", null)).orElseThrow().hint());
    assertEquals(Optional.of("The namespace's ResourceQuota needs requests and limits on every Pod: set spec.resources."),
        Refusal.of(answer(403, "Forbidden", "pods \"web\" is forbidden: failed quota: q: must specify limits.cpu",
            "pods", null)).orElseThrow().hint());
    // pkg/admission/plugin/podsecurity (Kubernetes 1.25+), quoted in issue 20
    assertEquals("The namespace enforces Pod Security restricted without the label the auto profile follows (the "
        + "cluster's admission configuration may set it for all namespaces): label the namespace "
        + "pod-security.kubernetes.io/enforce=restricted, or set claw.operator.pod-security=restricted.",
        Refusal.of(answer(403, "Forbidden", "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + "allowPrivilegeEscalation != false (container \"claw\" must set securityContext.allowPrivilegeEscalation=false), "
            + "unrestricted capabilities (container \"claw\" must set securityContext.capabilities.drop=[\"ALL\"]), "
            + "runAsNonRoot != true (pod or container \"claw\" must set securityContext.runAsNonRoot=true), seccompProfile "
            + "(pod or container \"claw\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
            + "\"Localhost\")", "pods", null)).orElseThrow().hint().orElseThrow());
    assertTrue(Refusal.of(answer(403, "Forbidden", "pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": "
        + "privileged (container \"claw\" must not set securityContext.privileged=true)", "pods", null)).orElseThrow()
        .hint().orElseThrow().contains("spec.securityContext"));
    assertTrue(Refusal.of(answer(400, "BadRequest", "admission webhook \"policy.example.com\" denied the request: no",
        "pods", null)).orElseThrow().hint().isPresent());
    assertEquals(Optional.empty(), Refusal.of(answer(422, "Invalid", "Pod \"web\" is invalid: spec.containers",
        "pods", null)).orElseThrow().hint(), "the answer says it all");
  }
}
