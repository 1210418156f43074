package io.claw.operator.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.claw.operator.api.PullPolicy;
import io.claw.operator.api.PullPolicyRule;
import io.claw.operator.api.PullPolicyRules;
import io.claw.operator.api.TagResolution;

/**
 * The rules as a JSON list (the Helm chart writes its YAML list so), checked whole before the
 * operator starts: an unknown key, a misspelt policy or a duplicate name stops it with the rule's
 * position and name, rather than leaving a rule that silently never matches.
 */
public class PullPolicyRulesConverter implements Converter<PullPolicyRules> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("name", "registry", "repository", "tag", "digest", "pullPolicy",
      "credentialsRequired", "tagResolution");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.*-]+(:[0-9*]+)?");
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9._*/-]+");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.*-]+");

  @Override
  public PullPolicyRules convert(String value) {
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw invalid("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return PullPolicyRules.NONE;
    }
    if (!root.isArray()) {
      throw invalid("expected a list of rules, got " + root.getNodeType().toString().toLowerCase());
    }
    List<PullPolicyRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      PullPolicyRule rule = rule(root.get(i), i + 1);
      if (!names.add(rule.name())) {
        throw invalid("rule " + (i + 1) + " (" + rule.name() + "): the name is used by an earlier rule");
      }
      rules.add(rule);
    }
    return new PullPolicyRules(rules);
  }

  private static PullPolicyRule rule(JsonNode node, int position) {
    if (!node.isObject()) {
      throw invalid("rule " + position + ": expected an object with name, the criteria and pullPolicy");
    }
    String name = text(node, "name", position, "rule " + position);
    if (name == null || name.length() > 63 || !NAME.matcher(name).matches()) {
      throw invalid("rule " + position + ": name '" + (name == null ? "" : name)
          + "' is required, lower-case letters, digits and '-', at most 63 characters");
    }
    String at = "rule " + position + " (" + name + ")";
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
      String key = keys.next();
      if (!KEYS.contains(key)) {
        throw invalid(at + ": unknown key '" + key + "'. Allowed keys: name, registry, repository, tag, digest, "
            + "pullPolicy, credentialsRequired, tagResolution");
      }
    }
    String registry = glob(node, "registry", REGISTRY, position, at, "a host[:port] such as harbor.example.com or *.corp.example");
    String repository = glob(node, "repository", REPOSITORY, position, at, "a path such as team/* or library/**");
    String tag = glob(node, "tag", TAG, position, at, "a tag such as latest or v*");
    PullPolicyRule.Digest digest = null;
    String digestText = text(node, "digest", position, at);
    if (digestText != null) {
      digest = switch (digestText) {
        case "pinned" -> PullPolicyRule.Digest.PINNED;
        case "unpinned" -> PullPolicyRule.Digest.UNPINNED;
        default -> throw invalid(at + ": digest '" + digestText + "' is not one of pinned, unpinned");
      };
    }
    boolean credentialsRequired = false;
    if (node.has("credentialsRequired")) {
      JsonNode flag = node.get("credentialsRequired");
      if (!flag.isBoolean()) {
        throw invalid(at + ": credentialsRequired must be true or false, got " + flag);
      }
      credentialsRequired = flag.booleanValue();
    }
    String policyText = text(node, "pullPolicy", position, at);
    PullPolicy policy = null;
    if (policyText != null) {
      policy = PullPolicy.parse(policyText).orElseThrow(() -> invalid(at + ": pullPolicy '" + policyText
          + "' is not one of " + PullPolicy.allowedValues() + " (case-sensitive)"));
    }
    String resolutionText = text(node, "tagResolution", position, at);
    TagResolution resolution = null;
    if (resolutionText != null) {
      resolution = TagResolution.parse(resolutionText).orElseThrow(() -> invalid(at + ": tagResolution '"
          + resolutionText + "' is not one of " + TagResolution.allowedValues() + " (case-sensitive)"));
    }
    if (policy == null && !credentialsRequired && resolution == null) {
      throw invalid(at + ": pullPolicy is required (" + PullPolicy.allowedValues() + ") unless the rule sets "
          + "tagResolution or credentialsRequired");
    }
    if (credentialsRequired && policy != null && policy != PullPolicy.ALWAYS) {
      throw invalid(at + ": credentialsRequired makes the policy Always, so pullPolicy cannot be " + policy);
    }
    return new PullPolicyRule(name, registry, repository, tag, digest, policy, credentialsRequired, resolution);
  }

  private static String glob(JsonNode node, String key, Pattern allowed, int position, String at, String example) {
    String value = text(node, key, position, at);
    if (value != null && (value.isEmpty() || !allowed.matcher(value).matches())) {
      throw invalid(at + ": " + key + " '" + value + "' is not " + example + " ('*' within a component, '**' across)");
    }
    return value;
  }

  private static String text(JsonNode node, String key, int position, String at) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid(at + ": " + key + " must be a string, got " + value);
    }
    return value.textValue();
  }

  private static IllegalArgumentException invalid(String what) {
    return new IllegalArgumentException("Invalid " + ClawOperatorConfig.PULL_POLICY_RULES
        + " (env CLAW_OPERATOR_PULL_POLICY_RULES): " + what + ". See docs/configuration.md#pull-policy-rules");
  }
}
