package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;

/** What the operator makes of a pull failure: its cause, the registry concerned, and what to change. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PullFailureReport(
    @JsonPropertyDescription("Why the image does not pull: RegistryUnreachable, TLSError, NotFound, Unauthorized, "
        + "RateLimited, NotPresentOnNode, InvalidName, PlatformMismatch, SignatureInvalid or Unknown. The runtime's "
        + "own message is in the ImagePullFailed condition.") PullFailureCause cause,
    @JsonPropertyDescription("The registry (host[:port]) the image is pulled from.") String registry,
    @JsonPropertyDescription("One sentence on what to change.") String hint,
    @JsonPropertyDescription("The node the Pod is bound to.") String node,
    @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("Whether that node lists the image among its images (status.images): True, False, "
        + "or Unknown when the operator may not read the node, does not look, or the node lists only its largest "
        + "images.") String imageOnNode) {
}
