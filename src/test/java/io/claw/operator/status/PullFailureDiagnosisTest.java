package io.claw.operator.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.claw.operator.api.EffectivePullPolicy;
import io.claw.operator.api.PullFailureCause;
import io.claw.operator.api.PullFailureReport;
import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicySource;
import io.claw.operator.status.PullFailure.Facts;

/**
 * The cause of a pull failure, for the words each kubelet and runtime uses. Strings marked "node"
 * were produced on the test node (kubelet 1.20, containerd 1.6; RealNodeIT and the table);
 * the others are quoted from the source or from reports of the version named.
 */
class PullFailureDiagnosisTest {

  static Stream<Arguments> messages() {
    return Stream.of(
        // --- containerd 1.6 on the test node ---
        Arguments.of("node: registry down", "ErrImagePull",
            "rpc error: code = Unknown desc = failed to pull and unpack image \"airgap.local/openclaw:latest\": failed to "
                + "resolve reference \"airgap.local/openclaw:latest\": failed to do request: Head "
                + "\"http://127.0.0.1:5999/v2/openclaw/manifests/latest?ns=airgap.local\": dial tcp 127.0.0.1:5999: "
                + "connect: connection refused",
            PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("node: name does not resolve", "ErrImagePull",
            "rpc error: code = Unknown desc = failed to pull and unpack image \"registry.nosuch.invalid/app:1\": failed to "
                + "resolve reference \"registry.nosuch.invalid/app:1\": failed to do request: Head "
                + "\"https://registry.nosuch.invalid/v2/app/manifests/1\": dial tcp: lookup registry.nosuch.invalid on "
                + "10.0.2.3:53: no such host",
            PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("node: untrusted certificate", "ErrImagePull",
            "rpc error: code = Unknown desc = failed to pull and unpack image \"tls.local/app:1\": failed to resolve "
                + "reference \"tls.local/app:1\": failed to do request: Head "
                + "\"https://127.0.0.1:5443/v2/app/manifests/1?ns=tls.local\": x509: certificate signed by unknown authority",
            PullFailureCause.TLS_ERROR),
        Arguments.of("node: tag does not exist", "ErrImagePull",
            "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.local/openclaw:missing\": failed "
                + "to resolve reference \"registry.local/openclaw:missing\": registry.local/openclaw:missing: not found",
            PullFailureCause.NOT_FOUND),
        Arguments.of("node: private registry, no or wrong Secret", "ErrImagePull",
            "rpc error: code = Unknown desc = failed to pull and unpack image \"private.registry.local/app:1\": failed to "
                + "resolve reference \"private.registry.local/app:1\": pulling from host 127.0.0.1:5001 failed with status "
                + "code [manifests 1]: 401 Unauthorized",
            PullFailureCause.UNAUTHORIZED),
        Arguments.of("node: 429 front", "ErrImagePull",
            "rpc error: code = Unknown desc = failed to pull and unpack image \"ratelimit.local/app:1\": failed to "
                + "resolve reference \"ratelimit.local/app:1\": pulling from host 127.0.0.1:5429 failed with status code "
                + "[manifests 1]: 429 Too Many Requests",
            PullFailureCause.RATE_LIMITED),
        Arguments.of("node: index without the node's platform (gRPC says NotFound)", "ErrImagePull",
            "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.local/armonly:1\": no match for "
                + "platform in manifest: not found",
            PullFailureCause.PLATFORM_MISMATCH),
        Arguments.of("node: Never, image absent (pkg/kubelet/images/image_manager.go)", "ErrImageNeverPull",
            "Container image \"registry.local/openclaw:absent\" is not present with pull policy of Never",
            PullFailureCause.NOT_PRESENT_ON_NODE),
        Arguments.of("kubelet: invalid name (image_manager.go applyDefaultImageTag)", "InvalidImageName",
            "Failed to apply default image tag \"Registry.local/App\": couldn't parse image reference", PullFailureCause.INVALID_NAME),
        // --- kubelet 1.32+: the back-off message carries the error (kubernetes/kubernetes#127918) ---
        Arguments.of("kubelet 1.32+ back-off with containerd's 401", "ImagePullBackOff",
            "Back-off pulling image \"private.registry.local/app:1\": ErrImagePull: failed to pull and unpack image "
                + "\"private.registry.local/app:1\": failed to resolve reference \"private.registry.local/app:1\": "
                + "unexpected status from HEAD request to https://private.registry.local/v2/app/manifests/1: 401 Unauthorized",
            PullFailureCause.UNAUTHORIZED),
        Arguments.of("kubelet 1.32+ back-off after RegistryUnavailable (#117717 wording)", "ImagePullBackOff",
            "Back-off pulling image \"registry.local/app:1\": RegistryUnavailable: image pull failed for "
                + "registry.local/app:1 because the registry is unavailable: dial tcp 10.0.0.7:443: i/o timeout",
            PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("kubelet 1.28+ RegistryUnavailable, no detail (image_manager.go evalCRIPullErr)", "RegistryUnavailable",
            "image pull failed for registry.local/app:1 because the registry is unavailable", PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("kubelet 1.28+ RegistryUnavailable, TLS detail", "RegistryUnavailable",
            "image pull failed for registry.local/app:1 because the registry is unavailable: x509: certificate has expired "
                + "or is not yet valid", PullFailureCause.TLS_ERROR),
        Arguments.of("kubelet 1.28+ SignatureValidationFailed (evalCRIPullErr)", "SignatureValidationFailed",
            "image pull failed for registry.local/app:1 because the signature validation failed: Source image rejected: "
                + "A signature was required, but no signature exists", PullFailureCause.SIGNATURE_INVALID),
        Arguments.of("kubelet 1.35: cached, credentials do not verify (KEP-2535, imageNotPresentOnNeverPolicyError)",
            "ErrImageNeverPull", "Container image \"private.registry.local/app:1\" is not present with pull policy of Never",
            PullFailureCause.NOT_PRESENT_ON_NODE),
        // --- containerd 1.7 and 2.x ---
        Arguments.of("containerd 1.7: Docker Hub, repository missing or private (remotes/docker/resolver.go)", "ErrImagePull",
            "failed to pull and unpack image \"docker.io/library/ngimx:latest\": failed to resolve reference "
                + "\"docker.io/library/ngimx:latest\": pull access denied, repository does not exist or may require "
                + "authorization: server message: insufficient_scope: authorization failed",
            PullFailureCause.UNAUTHORIZED),
        Arguments.of("containerd 2.x: tag not found (transfer service: failed to resolve image)", "ErrImagePull",
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/wazuh/wazuh-agent:4.9.0\": "
                + "failed to resolve image: docker.io/wazuh/wazuh-agent:4.9.0: not found",
            PullFailureCause.NOT_FOUND),
        Arguments.of("containerd 1.7/2.x: Docker Hub rate limit", "ErrImagePull",
            "failed to pull and unpack image \"docker.io/library/nginx:latest\": failed to copy: httpReadSeeker: failed "
                + "open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:4296b5: 429 "
                + "Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.",
            PullFailureCause.RATE_LIMITED),
        Arguments.of("containerd: plain HTTP registry reached as HTTPS", "ErrImagePull",
            "failed to pull and unpack image \"registry.local/app:1\": failed to resolve reference \"registry.local/app:1\": "
                + "failed to do request: Head \"https://registry.local/v2/app/manifests/1\": http: server gave HTTP "
                + "response to HTTPS client", PullFailureCause.TLS_ERROR),
        Arguments.of("containerd: certificate for another name", "ErrImagePull",
            "failed to do request: Head \"https://registry.local/v2/app/manifests/1\": tls: failed to verify certificate: "
                + "x509: certificate is valid for other.local, not registry.local", PullFailureCause.TLS_ERROR),
        // --- CRI-O (containers/image) ---
        Arguments.of("CRI-O: name does not resolve", "ErrImagePull",
            "initializing source docker://registry.nosuch.invalid/app:1: pinging container registry "
                + "registry.nosuch.invalid: Get \"https://registry.nosuch.invalid/v2/\": dial tcp: lookup "
                + "registry.nosuch.invalid: no such host", PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("CRI-O: untrusted certificate", "ErrImagePull",
            "initializing source docker://tls.local/app:1: pinging container registry tls.local: Get "
                + "\"https://tls.local/v2/\": tls: failed to verify certificate: x509: certificate signed by unknown authority",
            PullFailureCause.TLS_ERROR),
        Arguments.of("CRI-O: manifest unknown", "ErrImagePull",
            "initializing source docker://registry.local/app:missing: reading manifest missing in registry.local/app: "
                + "manifest unknown", PullFailureCause.NOT_FOUND),
        Arguments.of("CRI-O: bearer token refused", "ErrImagePull",
            "initializing source docker://private.registry.local/app:1: Requesting bearer token: invalid status code from "
                + "registry 401 (Unauthorized)", PullFailureCause.UNAUTHORIZED),
        Arguments.of("CRI-O: Docker Hub rate limit", "ErrImagePull",
            "initializing source docker://nginx:latest: reading manifest latest in docker.io/library/nginx: "
                + "toomanyrequests: You have reached your pull rate limit.", PullFailureCause.RATE_LIMITED),
        Arguments.of("CRI-O: no image for the platform", "ErrImagePull",
            "choosing an image from manifest list docker://registry.local/armonly:1: no image found in manifest list for "
                + "architecture \"amd64\", variant \"\", OS \"linux\"", PullFailureCause.PLATFORM_MISMATCH),
        Arguments.of("CRI-O: registry answers 503", "ErrImagePull",
            "initializing source docker://registry.local/app:1: pinging container registry registry.local: received "
                + "unexpected HTTP status: 503 Service Unavailable", PullFailureCause.REGISTRY_UNREACHABLE),
        Arguments.of("a digest with 429 in it is no rate limit", "ErrImagePull",
            "failed to pull and unpack image \"registry.local/app@sha256:4290ab\": failed to resolve reference: "
                + "registry.local/app@sha256:4290ab: not found", PullFailureCause.NOT_FOUND),
        Arguments.of("anything else", "ImageInspectError", "Failed to inspect image \"x\": rpc error: code = Internal",
            PullFailureCause.UNKNOWN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void causeOf(String source, String reason, String message, PullFailureCause expected) {
    assertEquals(Optional.of(expected), PullFailure.cause(reason, message), source);
  }

  @Test
  void aBareBackOffHasNoCauseOfItsOwn() {
    assertEquals(Optional.empty(), PullFailure.cause("ImagePullBackOff", "Back-off pulling image \"registry.local/app:1\""));
  }

  private static final EffectivePullPolicy ALWAYS = new EffectivePullPolicy(PullPolicy.ALWAYS, PullPolicySource.SPEC);
  private static final EffectivePullPolicy NEVER =
      new EffectivePullPolicy(PullPolicy.NEVER, PullPolicySource.OPERATOR_DEFAULT);
  private static final NodeFacts HOLDS = new NodeFacts("node-1", true, "linux/amd64");
  private static final NodeFacts LACKS = new NodeFacts("node-1", false, "linux/amd64");

  private static PullFailureReport report(PullFailureCause cause, String image, EffectivePullPolicy policy,
      List<String> secrets, PullSecrets found, NodeFacts node) {
    return PullFailure.report(cause, new Facts(image, policy, secrets, found, node));
  }

  @Test
  void theAirGappedReportSaysTheNodeHoldsTheImageAndIfNotPresentWouldRunIt() {
    PullFailureReport r = report(PullFailureCause.REGISTRY_UNREACHABLE, "airgap.local/openclaw:latest", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, HOLDS);
    assertEquals("airgap.local", r.registry());
    assertEquals("True", r.imageOnNode());
    assertEquals("node-1", r.node());
    assertTrue(r.hint().contains("node node-1 already holds airgap.local/openclaw:latest"), r.hint());
    assertTrue(r.hint().contains("IfNotPresent would run the node's copy"), r.hint());
  }

  @Test
  void anUnreachableRegistryWithoutTheImageOnTheNodeNamesWhatToCheck() {
    PullFailureReport r = report(PullFailureCause.REGISTRY_UNREACHABLE, "airgap.local/app:1", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, LACKS);
    assertEquals("False", r.imageOnNode());
    assertTrue(r.hint().startsWith("The node cannot reach airgap.local"), r.hint());
    assertEquals("Unknown", report(PullFailureCause.REGISTRY_UNREACHABLE, "airgap.local/app:1", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, NodeFacts.UNKNOWN).imageOnNode());
  }

  @Test
  void unauthorizedNamesTheFieldWithoutSecretsAndTheSecretWithOne() {
    String none = report(PullFailureCause.UNAUTHORIZED, "private.registry.local/app:1", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, LACKS).hint();
    assertTrue(none.contains("spec.imagePullSecrets"), none);
    assertTrue(none.contains("repository that does not exist"), "Docker Hub's blur is said: " + none);
    String refused = report(PullFailureCause.UNAUTHORIZED, "private.registry.local/app:1", ALWAYS, List.of("regcred"),
        PullSecrets.FOUND, LACKS).hint();
    assertTrue(refused.startsWith("private.registry.local refused the credentials in regcred"), refused);
    String missing = report(PullFailureCause.UNAUTHORIZED, "private.registry.local/app:1", ALWAYS, List.of("regcred"),
        PullSecrets.missing(List.of("regcred")), LACKS).hint();
    assertTrue(missing.startsWith("Create the missing pull secret(s) regcred"), missing);
  }

  @Test
  void otherCausesSayWhatToChange() {
    assertTrue(report(PullFailureCause.NOT_FOUND, "registry.local/openclaw:missing", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, LACKS).hint().startsWith("registry.local has no openclaw:missing"));
    assertTrue(report(PullFailureCause.RATE_LIMITED, "nginx:1", ALWAYS, List.of(), PullSecrets.NOT_CHECKED, LACKS)
        .hint().contains("authenticate with spec.imagePullSecrets, pull through a mirror, or use IfNotPresent"));
    String never = report(PullFailureCause.NOT_PRESENT_ON_NODE, "registry.local/openclaw:absent", NEVER, List.of(),
        PullSecrets.NOT_CHECKED, LACKS).hint();
    assertTrue(never.startsWith("node node-1 does not hold registry.local/openclaw:absent and pullPolicy Never "
        + "(from operator-default) forbids pulling it"), never);
    assertTrue(report(PullFailureCause.PLATFORM_MISMATCH, "registry.local/armonly:1", ALWAYS, List.of(),
        PullSecrets.NOT_CHECKED, LACKS).hint().contains("(linux/amd64)"));
    assertTrue(report(PullFailureCause.TLS_ERROR, "tls.local/app:1", ALWAYS, List.of(), PullSecrets.NOT_CHECKED, LACKS)
        .hint().contains("certs.d/tls.local/hosts.toml"));
  }
}
