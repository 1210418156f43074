package io.claw.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the registry said a tag was, for an instance that resolves tags.
 *
 * @param tag the reference that was resolved
 * @param digest the digest it resolved to, which the Pod runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResolvedImage(
    @JsonPropertyDescription("pin or track.") TagResolution mode,
    @JsonPropertyDescription("The image reference that was resolved, with its tag, e.g. registry.example.com/app:stable.") String tag,
    @JsonPropertyDescription("The digest the registry gave for the tag (for a multi-arch tag, the index's), which the Pod runs.") String digest,
    @JsonPropertyDescription("When the registry last answered with that digest (RFC 3339); absent when not known, e.g. "
        + "after an operator restart, for a pinned Pod.") String resolvedAt) {
}
