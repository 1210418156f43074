package io.claw.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A real single-node cluster, run by hack/real-node.sh: its own etcd and kube-apiserver (Pods
 * get ServiceAccount tokens and reach it through the `kubernetes` Service), containerd,
 * kubelet, scheduler, controller-manager, kube-proxy, and three registries on loopback.
 * One per machine at a time; {@link #close()} undoes every change to the host, and the next
 * start cleans up after a run that died.
 */
public final class RealNode implements AutoCloseable {

  /** The Kubernetes version of the node binaries that the provisioning builds. */
  public static final String NODE_VERSION = "1.20.2";
  private static final Path SCRIPT = Path.of("hack", "real-node.sh");

  /** The rig's registries, by the made-up host names containerd maps to loopback ports. */
  public enum Registry {
    OPEN("open", "registry.local"),
    PRIVATE("private", "private.registry.local"),
    AIRGAP("airgap", "airgap.registry.local"),
    /** HTTPS with a certificate the node does not trust: every pull fails its TLS handshake. */
    TLS("tls", "tls.registry.local"),
    /** No registry: a test runs a front here that answers 429 ({@link #registryAddress}). */
    RATELIMIT("ratelimit", "ratelimit.registry.local");

    private final String id;
    private final String host;

    Registry(String id, String host) {
      this.id = id;
      this.host = host;
    }

    public String host() {
      return host;
    }
  }

  private final Path dir;
  private final Thread cleanupOnExit;
  private TestCluster cluster;
  private Properties rig;

  private RealNode(Path dir) {
    this.dir = dir;
    this.cleanupOnExit = new Thread(this::down, "real-node-cleanup");
  }

  /** Whether this machine can run the node, and if not why: the tests skip with that reason. */
  public static String unavailableReason() {
    if (!NODE_VERSION.equals(TestCluster.KUBE_VERSION)) {
      return "the node binaries are Kubernetes " + NODE_VERSION + "; the API server asked for is "
          + TestCluster.KUBE_VERSION + " (-Dclaw.kube-version)";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "the real node needs root (containerd, kubelet, iptables, mounts)";
    }
    return null;
  }

  public static RealNode start(String name) {
    RealNode node = new RealNode(Path.of("target", "real-node", name).toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(node.cleanupOnExit);
    long started = System.nanoTime();
    try {
      node.script(Map.of("KUBE_BIN_DIR", TestCluster.binaries().toString()), 240, "up");
      node.rig = node.readRig();
      System.out.printf("[real-node] %s: API server and node %s Ready in %.1f s%n", name, node.nodeName(),
          (System.nanoTime() - started) / 1e9);
      node.cluster = TestCluster.running(name, Files.readString(Path.of(node.rig.getProperty("KUBECONFIG_FILE"))))
          .start();
    } catch (IOException e) {
      node.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  public TestCluster cluster() {
    return cluster;
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  /**
   * A StorageClass for local volumes, as Kubernetes' docs set it up: no provisioner, and binding
   * once the claim's first Pod is scheduled.
   */
  public void localStorageClass(String name) {
    client().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder().withNewMetadata().withName(name)
        .endMetadata().withProvisioner("kubernetes.io/no-provisioner").withVolumeBindingMode("WaitForFirstConsumer")
        .build()).createOr(existing -> existing.update());
  }

  /** A 1Gi local PersistentVolume of the class, on this node, in a folder anyone may write (the apps run as UID 1000). */
  public void localVolume(String name, String storageClass, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewSpec().withStorageClassName(storageClass).withAccessModes("ReadWriteOnce")
          .addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
          .withPersistentVolumeReclaimPolicy("Retain")
          .withNewLocal().withPath(dir.toString()).endLocal()
          .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
            .withKey("kubernetes.io/hostname").withOperator("In").withValues(nodeName())
          .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
        .endSpec().build()).create();
  }

  public String nodeName() {
    return rig.getProperty("NODE_NAME");
  }

  /** Where the test machine reaches the registry (127.0.0.1:port); Pods name it by {@link Registry#host()}. */
  public String registryAddress(Registry registry) {
    return "127.0.0.1:" + rig.getProperty("REGISTRY_" + registry.name() + "_PORT");
  }

  /** The TLS registry's self-signed certificate (PEM), which the node does not trust. */
  public Path registryCertificate() {
    return dir.resolve("registry").resolve("tls.crt");
  }

  public String registryUser() {
    return rig.getProperty("REGISTRY_USER");
  }

  public String registryPassword() {
    return rig.getProperty("REGISTRY_PASSWORD");
  }

  /**
   * Builds a busybox app image whose /claw-version says {@code marker}, pushes it as
   * {@code registry/repoAndTag} and returns the manifest digest the registry now serves.
   */
  public String pushImage(Registry registry, String repoAndTag, String marker) {
    return pushImage(registry, repoAndTag, marker, 1000);
  }

  /** As {@link #pushImage(Registry, String, String)}, with the image's USER (0: an image that runs as root). */
  public String pushImage(Registry registry, String repoAndTag, String marker, int user) {
    String out = script(Map.of("IMAGE_USER", String.valueOf(user)), 120, "image", registry.id, repoAndTag, marker);
    return out.lines().filter(l -> l.startsWith("sha256:")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no digest from pushing " + repoAndTag + ":\n" + out));
  }

  /** Pushes the pull-ahead tool image (the operator's claw-pull-done program) as {@code registry/repoAndTag}. */
  public String pushToolImage(Registry registry, String repoAndTag) {
    return digestOf(repoAndTag, script(Map.of(), 180, "tool-image", registry.id, repoAndTag));
  }

  /**
   * Pushes, as {@code registry/repoAndTag}, an image index whose only image is for linux/{@code arch}:
   * a tag moved to a build for another platform. Returns the index's digest.
   */
  public String pushForeignImage(Registry registry, String repoAndTag, String arch) {
    return digestOf(repoAndTag, script(Map.of(), 120, "foreign-image", registry.id, repoAndTag, arch));
  }

  private static String digestOf(String repoAndTag, String out) {
    return out.lines().map(String::strip).filter(l -> l.startsWith("sha256:")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("no digest from pushing " + repoAndTag + ":\n" + out));
  }

  /** Runs {@code work} with the registry stopped, as a node cut off from it sees it; starts it again after. */
  public void withRegistryDown(Registry registry, Runnable work) {
    script(Map.of(), 60, "registry", "stop", registry.id);
    try {
      work.run();
    } finally {
      script(Map.of(), 60, "registry", "start", registry.id);
    }
  }

  /** The last lines of a component's log (kubelet, containerd, registry-open, ...), for failure reports. */
  public String logTail(String component, int lines) {
    Path log = dir.resolve("logs").resolve(component + ".log");
    try {
      return Command.tail(Files.readString(log, StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(no " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * What a failed test saw, on stderr: the output of each kubectl command (its arguments), the
   * operator's log as the test has it, and the kubelet's log.
   */
  public void printWhatItShowed(String test, List<List<String>> kubectlCommands, String operatorLog) {
    System.err.println("=== " + test + " failed; what the real node showed ===");
    for (List<String> args : kubectlCommands) {
      System.err.println(cluster.kubectl(null, args.toArray(String[]::new)).output());
    }
    System.err.println("--- operator log ---\n" + operatorLog);
    System.err.println("--- kubelet log ---\n" + logTail("kubelet", 60));
  }

  private Properties readRig() {
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve("rig.env"))) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  private String script(Map<String, String> env, long timeoutSeconds, String command, String... args) {
    List<String> line = new ArrayList<>(List.of("bash", SCRIPT.toString(), command, dir.toString()));
    line.addAll(List.of(args));
    Command.Result result = Command.run(line, env, null, timeoutSeconds);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", line) + " failed (exit " + result.exitCode() + "):\n"
          + result.output() + "\n--- kubelet log ---\n" + logTail("kubelet", 40)
          + "\n--- containerd log ---\n" + logTail("containerd", 20));
    }
    return result.output();
  }

  private void down() {
    long started = System.nanoTime();
    try {
      script(Map.of(), 120, "down");
      System.out.printf("[real-node] %s down in %.1f s%n", dir.getFileName(), (System.nanoTime() - started) / 1e9);
    } catch (RuntimeException e) {
      System.err.println("[real-node] cleanup failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    down();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing left to remove
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
