package io.claw.operator.api;

import java.util.regex.Pattern;

/**
 * The image reference grammar container runtimes accept ([registry[:port]/]path[:tag][@digest],
 * lower-case path components). Checked where an image enters the operator, the CRD schema and the
 * operator's default image, so that a typo is refused at apply time instead of leaving a Pod in
 * InvalidImageName.
 */
public final class ImageReference {

  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*"
      + "|\\[[a-fA-F0-9:]+\\])";
  private static final String DOMAIN = HOST + "(?::[0-9]+)?";
  private static final String NAME = "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}";

  /** Also the CRD's OpenAPI pattern: Java and the API server's RE2 read it the same way. */
  public static final String PATTERN = "^" + NAME + "(?::" + TAG + ")?(?:@" + DIGEST + ")?$";

  /** A 255-character name, a 128-character tag and a sha512 digest fit. */
  public static final int MAX_LENGTH = 512;

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private ImageReference() {
  }

  public static boolean isValid(String reference) {
    return reference != null && reference.length() <= MAX_LENGTH && COMPILED.matcher(reference).matches();
  }
}
