package io.claw.operator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.TagResolution;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Operator-wide settings. Each can be set in application.properties, as a system property, or
 * as an environment variable (CLAW_OPERATOR_DEFAULT_PULL_POLICY, CLAW_OPERATOR_DEFAULT_IMAGE).
 * Values are validated when the operator starts; a bad one stops it with a message naming the
 * setting and the allowed values.
 */
@ConfigMapping(prefix = "claw.operator")
public interface ClawOperatorConfig {

  String DEFAULT_PULL_POLICY = "claw.operator.default-pull-policy";
  String DEFAULT_IMAGE = "claw.operator.default-image";
  String CHECK_PULL_SECRETS = "claw.operator.check-pull-secrets";
  String READ_NODE_IMAGES = "claw.operator.read-node-images";
  String POD_SECURITY = "claw.operator.pod-security";
  String READ_NAMESPACES = "claw.operator.read-namespaces";
  String PULL_POLICY_RULES = "claw.operator.pull-policy-rules";
  String SPEC_OVERRIDES_CREDENTIALS_REQUIRED = "claw.operator.spec-overrides-credentials-required";
  String TAG_RESOLUTION = "claw.operator.tag-resolution";
  String PULL_AHEAD_TOOL_IMAGE = "claw.operator.pull-ahead.tool-image";
  String PULL_AHEAD_WHEN_REFUSED = "claw.operator.pull-ahead.when-refused";

  /**
   * Pull policy for instances that neither set spec.pullPolicy nor get one from their namespace or
   * a rule. Unset, the built-in IfNotPresent applies: safe on air-gapped nodes, where a ':latest'
   * tag must not force a pull.
   */
  @WithConverter(PullPolicyConverter.class)
  Optional<PullPolicy> defaultPullPolicy();

  /**
   * Ordered pull-policy rules as a JSON list; the first that matches an image gives its policy.
   * Rules with credentialsRequired apply before every other level.
   */
  @WithDefault("[]")
  @WithConverter(PullPolicyRulesConverter.class)
  PullPolicyRules pullPolicyRules();

  /**
   * Whether spec.pullPolicy may stand against a rule with credentialsRequired. Off: such images
   * are always pulled with Always, so that no tenant runs another's cached private image.
   */
  @WithDefault("false")
  boolean specOverridesCredentialsRequired();

  /** Image for instances that do not set spec.image. No built-in default. */
  @WithConverter(ImageConverter.class)
  Optional<String> defaultImage();

  /**
   * Whether to look up the Secrets named in spec.imagePullSecrets and say in the status which
   * are missing. Needs permission to get Secrets; without it the check reports Unknown.
   */
  @WithDefault("true")
  boolean checkPullSecrets();

  /**
   * Whether to read the node of a Pod whose image does not pull, to say whether that node holds
   * the image. Needs permission to get Nodes; without it the status says Unknown.
   */
  @WithDefault("true")
  boolean readNodeImages();

  /**
   * The Pod Security profile of the Pods: auto (restricted where the namespace enforces
   * restricted, baseline elsewhere), restricted, or baseline.
   */
  @WithDefault("auto")
  @WithConverter(PodSecuritySettingConverter.class)
  PodSecuritySetting podSecurity();

  /**
   * Whether to watch Namespaces (their pod-security.kubernetes.io/enforce label) for the auto
   * profile. Needs get, list and watch on Namespaces; without it auto means baseline.
   */
  @WithDefault("true")
  boolean readNamespaces();

  /** Resolving tags to digests: the default mode and how the registries are asked. */
  TagResolutionSettings tagResolution();

  LeaderElection leaderElection();

  /** Instances that run to completion (spec.run). */
  RunSettings run();

  /** How the operator's client talks to the API server. */
  ApiClientSettings apiClient();

  /** claw.operator.api-client.*: see docs/configuration.md, "API client". */
  interface ApiClientSettings {

    String TLS = "claw.operator.api-client.tls";

    /** Which TLS implementation encrypts the connections to the API server. */
    @WithDefault("auto")
    TlsSetting tls();

    /** Requests share HTTP/2 connections, as client-go's do, where the API server offers HTTP/2 (ALPN). */
    @WithDefault("true")
    boolean http2();

    enum TlsSetting {
      /** OpenSSL (BoringSSL, from netty-tcnative) where its native library loads, else the JDK's. */
      AUTO,
      /** OpenSSL or nothing: the operator does not start where it does not load. */
      OPENSSL,
      /** The JDK's SSLEngine. */
      JDK
    }
  }

  /** Image changes of running instances: the new image is pulled onto the Pod's node before the container moves. */
  PullAheadSettings pullAhead();

  /** claw.operator.pull-ahead.*: see docs/configuration.md, "Pull first". */
  interface PullAheadSettings {

    /** Off, an image change moves the container at once and the kubelet pulls after stopping it, as before. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The image whose /usr/local/bin/claw-pull-done the pullers run: the operator's own (the chart
     * sets it). Unset, pull first is off.
     */
    @WithConverter(ImageConverter.class)
    Optional<String> toolImage();

    /** What an image change does when the API server refuses its puller (quota, admission): wait, or switch without it. */
    @WithDefault("wait")
    WhenRefused whenRefused();

    enum WhenRefused {
      /** The Pod stays on its old image; the status says why; the puller is asked for again every 30 s. */
      WAIT,
      /** The Pod moves to the new image at once, as without pull first. */
      SWITCH
    }

    /** Whether pullers are made: on, and a tool image to make them from. */
    default boolean active() {
      return enabled() && toolImage().isPresent();
    }
  }

  /** claw.operator.run.*: see docs/configuration.md, "Runs to completion". */
  interface RunSettings {

    /**
     * How long an image that does not pull for a cause that does not fix itself (NotFound,
     * Unauthorized, PlatformMismatch, InvalidName, NotPresentOnNode, TLSError, SignatureInvalid)
     * may keep a run to completion waiting before the run fails.
     */
    @WithDefault("60s")
    Duration pullFailureDeadline();

    /** The same for a cause that may pass (RegistryUnreachable, RateLimited, Unknown). */
    @WithDefault("10m")
    Duration passingPullFailureDeadline();
  }

  /** claw.operator.tag-resolution.*: see docs/configuration.md, "Tag resolution". */
  interface TagResolutionSettings {

    /** none, pin or track, for instances that neither set spec.tagResolution nor match a rule that does. */
    @WithDefault("none")
    @WithConverter(TagResolutionConverter.class)
    TagResolution defaultMode();

    /** How often a tracked tag is asked about; each wait is stretched by up to 10 % at random. */
    @WithDefault("5m")
    Duration interval();

    /** The longest wait after 429, 5xx or no answer (longer when Retry-After asks for more). */
    @WithDefault("30m")
    Duration maxBackOff();

    /** At most this many requests to one registry per interval, however many tags are tracked there. */
    @WithDefault("100")
    int registryBudget();

    /** How long one request may take. */
    @WithDefault("10s")
    Duration timeout();

    /** Registries (host[:port]) spoken to over plain HTTP, as containerd's hosts.toml server = "http://...". */
    Optional<Set<String>> insecureRegistries();

    /**
     * Where to reach registries whose name the operator cannot use, as containerd's hosts.toml
     * server: a list of name=URL, e.g. registry.local=http://10.0.0.5:5000.
     */
    Optional<List<String>> endpoints();

    /**
     * Registries (host[:port] globs) never asked: names only the nodes can reach, or mirrors the
     * operator cannot see. Their images run by tag.
     */
    Optional<List<String>> neverResolve();

    /** A PEM file of CA certificates trusted for registries, beside the JVM's own. */
    Optional<Path> caBundle();
  }

  /** Only one replica reconciles at a time; the others wait for the Lease. */
  interface LeaderElection {

    @WithDefault("false")
    boolean enabled();

    @WithDefault("claw-operator-lease")
    String leaseName();

    /** Defaults to the namespace of the operator's kubeconfig context or service account. */
    Optional<String> leaseNamespace();
  }
}
