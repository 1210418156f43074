package io.claw.operator.registry;

import java.util.Optional;

import io.claw.operator.api.ImageParts;

/** Asks a registry which digest a tag names, without pulling it. */
public interface ManifestProbe {

  ProbeAnswer head(ImageParts image, Optional<RegistryCredentials> credentials);
}
