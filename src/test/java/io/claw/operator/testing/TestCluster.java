package io.claw.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real kube-apiserver + etcd (kube-api-test) with the committed CRDs from crds/ installed,
 * and a kubeconfig written to target/ so that the real kubectl can talk to it.
 */
public final class TestCluster implements AutoCloseable {

  public static final Path CRDS = Path.of("crds");

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private boolean installCrds = true;
  private Config config;

  /** @param apiServerFlags extra kube-apiserver flags, as name/value pairs */
  public TestCluster(String name, String... apiServerFlags) {
    this.kubeconfig = Path.of("target", "kube-api-test", name + ".kubeconfig");
    this.server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withApiServerFlags(List.of(apiServerFlags))
        .build());
  }

  /** Leaves installing the CRDs to the test (e.g. to the Helm chart). */
  public TestCluster withoutCrds() {
    installCrds = false;
    return this;
  }

  public TestCluster start() {
    server.start();
    String yaml = server.getKubeConfigYaml();
    try {
      Files.createDirectories(kubeconfig.getParent());
      Files.writeString(kubeconfig, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config = Config.fromKubeconfig(yaml);
    if (installCrds) {
      try (KubernetesClient client = client()) {
        installCrds(client);
      }
    }
    return this;
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
  public KubectlResult kubectl(String stdin, String... args) {
    List<String> command = Stream.concat(Stream.of("kubectl", "--kubeconfig", kubeconfig().toString()),
        Stream.of(args)).toList();
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      String output;
      try (InputStream out = process.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl timed out: " + command);
      }
      return new KubectlResult(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public record KubectlResult(int exitCode, String output) {
  }

  private static void installCrds(KubernetesClient client) {
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
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    server.stop();
  }
}
