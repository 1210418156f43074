package io.claw.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.process.KubeAPIServerProcess;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real kube-apiserver + etcd with the committed CRDs from crds/ installed, and a kubeconfig
 * written to target/ so that the real kubectl can talk to it. Started by kube-api-test, or one
 * that runs already (the real node's, see {@link #running}).
 */
public final class TestCluster implements AutoCloseable {

  public static final Path CRDS = Path.of("crds");
  /**
   * The Kubernetes version the tests run against: the one hack/provision-kube-api-test.sh builds,
   * unless {@code -Dclaw.kube-version} names another (kube-api-test downloads it where it can).
   * Fixed, so that kube-api-test does not pick whichever version folder happens to be newest.
   */
  public static final String KUBE_VERSION = System.getProperty("claw.kube-version", "1.20.2");
  /**
   * kube-api-test's folder: binaries under k8s/, certificates at the top. Maven passes the same
   * folder to the provisioning script, so the two agree even where HOME and user.home differ.
   */
  public static final Path KUBE_API_TEST_DIR = Path.of(System.getProperty("claw.kube-api-test-dir",
      Path.of(System.getProperty("user.home"), ".kubeapitest").toString()));

  /** null for a cluster that someone else started and stops */
  private final KubeAPIServer server;
  private final Path kubeconfig;
  private String runningKubeconfig;
  private boolean installCrds = true;
  private Config config;
  /** The kube-apiserver started by {@link #restartApiServer}, which kube-api-test does not know about. */
  private Process restartedApiServer;

  /** @param apiServerFlags extra kube-apiserver flags, as name/value pairs */
  public TestCluster(String name, String... apiServerFlags) {
    this.kubeconfig = Path.of("target", "kube-api-test", name + ".kubeconfig");
    this.server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(KUBE_API_TEST_DIR.toString())
        .withApiServerVersion(KUBE_VERSION)
        .withApiServerFlags(List.of(apiServerFlags))
        .build());
  }

  private TestCluster(String name, String kubeconfigYaml) {
    this.kubeconfig = Path.of("target", "kube-api-test", name + ".kubeconfig");
    this.server = null;
    this.runningKubeconfig = kubeconfigYaml;
  }

  /** A cluster that runs already, reached with the given admin kubeconfig; {@link #close()} leaves it running. */
  public static TestCluster running(String name, String kubeconfigYaml) {
    return new TestCluster(name, kubeconfigYaml);
  }

  /** Leaves installing the CRDs to the test (e.g. to the Helm chart). */
  public TestCluster withoutCrds() {
    installCrds = false;
    return this;
  }

  public TestCluster start() {
    String yaml = runningKubeconfig;
    if (server != null) {
      server.start();
      yaml = server.getKubeConfigYaml();
    }
    try {
      Files.createDirectories(kubeconfig.getParent());
      Files.writeString(kubeconfig, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config = Config.fromKubeconfig(yaml);
    try (KubernetesClient client = client()) {
      System.out.printf("[test-cluster] %s: kube-apiserver %s from %s%n", kubeconfig.getFileName(),
          client.getKubernetesVersion().getGitVersion(), binaries());
      if (installCrds) {
        installCrds(client);
      }
    }
    return this;
  }

  /** The folder of the binaries this cluster runs (kube-apiserver, etcd, and the node's). */
  public static Path binaries() {
    return KUBE_API_TEST_DIR.resolve("k8s").resolve(KUBE_VERSION + "-linux-amd64");
  }

  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public Config config() {
    return config;
  }

  public Path kubeconfig() {
    return kubeconfig.toAbsolutePath();
  }

  /** A kubeconfig that authenticates with a ServiceAccount token instead of the admin certificate. */
  public Path kubeconfigForToken(String name, String token) {
    Path file = kubeconfig.resolveSibling(name + ".kubeconfig");
    String ca = config.getCaCertData() != null
        ? "certificate-authority-data: " + config.getCaCertData()
        : "certificate-authority: " + config.getCaCertFile();
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
          - name: test
            cluster:
              server: %s
              %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: %s
            context:
              cluster: test
              user: %s
        current-context: %s
        """.formatted(config.getMasterUrl(), ca, name, token, name, name, name);
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toAbsolutePath();
  }

  /** Runs the real kubectl against this cluster; returns exit code and combined output. */
  public Command.Result kubectl(String stdin, String... args) {
    List<String> command = Stream.concat(Stream.of("kubectl", "--kubeconfig", kubeconfig().toString()),
        Stream.of(args)).toList();
    return Command.run(command, Map.of(), stdin, 60);
  }

  /** Applies the committed CRDs and waits until they are established. */
  public static void installCrds(KubernetesClient client) {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          client.resource(crd).serverSideApply();
          client.resource(crd).waitUntilCondition(TestCluster::established, Duration.ofSeconds(30).toMillis(),
              TimeUnit.MILLISECONDS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Stops kube-apiserver (SIGKILL, as a crash would) and starts it again after {@code down}, on the
   * same port with the same flags, certificates and etcd, then waits until it is ready.
   * kube-api-test can only restart everything, on a new port, so this reaches into its process
   * holder: a test-only use of its internals, checked by the test that uses it.
   */
  public void restartApiServer(Duration down) {
    restartApiServer(down, command -> command);
  }

  /**
   * As {@link #restartApiServer(Duration)}, with the command line changed: kube-api-test puts its
   * own flags last (a 10.0.0.0/24 service range among them), and the last of a repeated flag wins.
   */
  public void restartApiServer(Duration down, java.util.function.UnaryOperator<List<String>> change) {
    if (server == null) {
      throw new UnsupportedOperationException("only a kube-api-test cluster can be restarted here");
    }
    KubeAPIServerProcess holder = (KubeAPIServerProcess) readField(server, "kubeApiServerProcess");
    Process running = restartedApiServer != null ? restartedApiServer
        : (Process) readField(holder, "apiServerProcess");
    List<String> command = change.apply(commandLine(running.pid()));
    if (restartedApiServer == null) {
      holder.stopApiServer(); // marks it stopped, so kube-api-test does not shut etcd down on the exit
    } else {
      restartedApiServer.destroyForcibly();
    }
    try {
      running.waitFor();
      Thread.sleep(down.toMillis());
      restartedApiServer = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(kubeconfig.resolveSibling(kubeconfig.getFileName() + ".restarted-apiserver.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    try (KubernetesClient client = client()) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> "ok".equals(client.raw("/readyz")));
    }
  }

  /**
   * The command line with a flag's value replaced, or the flag added; for
   * {@link #restartApiServer(Duration, java.util.function.UnaryOperator)}.
   */
  public static List<String> withFlag(List<String> command, String flag, String value) {
    List<String> changed = new java.util.ArrayList<>(command);
    int at = changed.lastIndexOf(flag);
    if (at >= 0 && at + 1 < changed.size()) {
      changed.set(at + 1, value);
    } else {
      changed.addAll(List.of(flag, value));
    }
    return changed;
  }

  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"));
      return List.of(raw.split("\0"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object readField(Object target, String name) {
    try {
      Field field = target.getClass().getDeclaredField(name);
      field.setAccessible(true);
      return field.get(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("kube-api-test internals changed: no field " + name, e);
    }
  }

  @Override
  public void close() {
    if (restartedApiServer != null) {
      restartedApiServer.destroyForcibly();
    }
    if (server != null) {
      server.stop();
    }
  }
}
