package io.claw.operator.api;

import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One of the operator's pull-policy rules: which images it matches, and the policy they get.
 * Every criterion left out matches every image. Built and checked by the rules' converter.
 *
 * @param name names the rule in statuses, Events and errors
 * @param registry glob on host[:port] ({@code docker.io} for Docker Hub), one host label per {@code *}, as the
 *     kubelet matches pull secrets ({@link RegistryGlob})
 * @param repository glob on the path in the registry: {@code *} within one path component, {@code **} across them
 * @param tag glob on the tag; an image without tag or digest has the tag latest; a digest-only image matches no tag
 * @param digest whether the image must be pinned by digest, or must not be
 * @param pullPolicy the policy of matching images; with credentialsRequired it can only be Always
 * @param credentialsRequired images of this rule are private: Always, whatever the namespace or the default says
 * @param tagResolution whether matching images run by tag or by the digest the registry resolves; null: the rule says nothing
 */
public record PullPolicyRule(String name, String registry, String repository, String tag, Digest digest,
    PullPolicy pullPolicy, boolean credentialsRequired, TagResolution tagResolution) {

  public PullPolicyRule(String name, String registry, String repository, String tag, Digest digest,
      PullPolicy pullPolicy, boolean credentialsRequired) {
    this(name, registry, repository, tag, digest, pullPolicy, credentialsRequired, null);
  }

  /** Whether the rule has a say on the pull policy (a rule may set the tag resolution only). */
  public boolean setsPullPolicy() {
    return pullPolicy != null || credentialsRequired;
  }

  /** Matching on whether the image is pinned by digest. */
  public enum Digest {
    @JsonProperty("pinned")
    PINNED,
    @JsonProperty("unpinned")
    UNPINNED
  }

  /** The policy this rule gives: its own, or Always for a rule that only marks credentials. */
  public PullPolicy policy() {
    return pullPolicy != null ? pullPolicy : PullPolicy.ALWAYS;
  }

  /**
   * A glob as a regular expression: literal text, {@code *} for any run of characters within one
   * path component, {@code **} for any run across components.
   */
  static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c != '*') {
        literal.append(c);
        continue;
      }
      regex.append(Pattern.quote(literal.toString()));
      literal.setLength(0);
      boolean across = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
      regex.append(across ? ".*" : "[^/]*");
      if (across) {
        i++;
      }
    }
    return Pattern.compile(regex.append(Pattern.quote(literal.toString())).toString());
  }
}
