package io.claw.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Image names as a node's status.images lists them (containerd names short images in full). */
class NodeImagesTest {

  @Test
  void shortNamesAreReadAsContainerdListsThem() {
    assertEquals("docker.io/library/nginx:latest", NodeImages.normalized("nginx"));
    assertEquals("docker.io/library/nginx:1.27", NodeImages.normalized("nginx:1.27"));
    assertEquals("docker.io/team/app:1", NodeImages.normalized("team/app:1"));
    assertEquals("registry.local/app:latest", NodeImages.normalized("registry.local/app"));
    assertEquals("registry.local:5000/app@sha256:ab", NodeImages.normalized("registry.local:5000/app@sha256:ab"));
  }
}
