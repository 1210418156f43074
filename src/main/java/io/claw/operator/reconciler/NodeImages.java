package io.claw.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.claw.operator.api.ImageParts;
import io.claw.operator.config.ClawOperatorConfig;
import io.claw.operator.status.NodeFacts;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether the node a failing Pod is bound to holds its image, from the node's status.images.
 * Read with one GET per node at most every {@link #FRESH}, and only while an instance there fails
 * to pull: no Node informer, so the operator neither watches nor caches every node.
 */
final class NodeImages {

  private static final Logger LOG = Logger.getLogger(NodeImages.class);
  static final Duration FRESH = Duration.ofSeconds(30);
  /** The kubelet lists at most this many images by default (nodeStatusMaxImages), the largest first. */
  static final int KUBELET_MAX_IMAGES = 50;

  /**
   * What is kept of a node: the names of its images and its platform; both unknown when it could
   * not be read.
   */
  record Seen(String node, Set<String> names, int images, String platform, Instant readAt) {

    static Seen unknown(String node) {
      return new Seen(node, null, 0, null, null);
    }

    /**
     * Whether the node holds the image: true or false by its list; unknown when it was not read or
     * when the list may be cut short.
     */
    NodeFacts factsFor(String image) {
      if (names == null) {
        return new NodeFacts(node, null, null);
      }
      if (names.contains(image) || names.contains(ImageParts.of(image).canonical())) {
        return new NodeFacts(node, true, platform);
      }
      return new NodeFacts(node, images >= KUBELET_MAX_IMAGES ? null : false, platform);
    }
  }

  private final Map<String, Seen> byNode = new ConcurrentHashMap<>();
  private final AtomicBoolean forbiddenLogged = new AtomicBoolean();

  /** The node as last read, read again when older than {@link #FRESH}. */
  Seen read(KubernetesClient client, String nodeName, Instant now) {
    Seen seen = byNode.get(nodeName);
    if (seen == null || Duration.between(seen.readAt(), now).compareTo(FRESH) > 0) {
      try {
        seen = get(client, nodeName, now);
      } catch (KubernetesClientException e) {
        // a fact for the hint, not worth failing the reconcile over: the status says Unknown
        if (e.getCode() != 403) {
          LOG.debugf("Cannot read node %s: %s", nodeName, e.getMessage());
          return Seen.unknown(nodeName);
        }
        if (forbiddenLogged.compareAndSet(false, true)) {
          LOG.warnf("Cannot tell whether nodes hold the images that fail to pull: no permission to get Nodes. "
              + "Grant it, or set %s=false", ClawOperatorConfig.READ_NODE_IMAGES);
        }
        return Seen.unknown(nodeName);
      }
      if (seen == null) {
        return Seen.unknown(nodeName);
      }
      byNode.put(nodeName, seen);
      byNode.values().removeIf(s -> Duration.between(s.readAt(), now).compareTo(FRESH.multipliedBy(10)) > 0);
    }
    return seen;
  }

  private static Seen get(KubernetesClient client, String nodeName, Instant now) {
    Node node = client.nodes().withName(nodeName).get();
    if (node == null || node.getStatus() == null) {
      return null;
    }
    List<ContainerImage> images = node.getStatus().getImages() == null ? List.of() : node.getStatus().getImages();
    Set<String> names = images.stream().filter(i -> i.getNames() != null).flatMap(i -> i.getNames().stream())
        .collect(Collectors.toUnmodifiableSet());
    var info = node.getStatus().getNodeInfo();
    String platform = info == null || info.getOperatingSystem() == null ? null
        : info.getOperatingSystem() + "/" + info.getArchitecture();
    return new Seen(nodeName, names, images.size(), platform, now);
  }
}
