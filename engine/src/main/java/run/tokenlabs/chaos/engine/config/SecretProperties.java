package run.tokenlabs.chaos.engine.config;

import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Refuses secrets given as system properties ({@code -Dtokenlabs.chaos.prometheus.bearerToken=...},
 * or a URL with a password in it). A system property is not a place for a secret: the process list
 * shows the command line, and the test reports record every system property of the test JVM
 * (surefire and failsafe copy them into the {@code <properties>} of each XML report when a test
 * class completes, and keep them even for passing tests unless told otherwise). The configuration
 * only names where a secret is (a file, an environment variable) and reads it when a client is built.
 *
 * <p>A refused property is also removed from the properties it was found in, and its value masked
 * wherever another property repeats it ({@code sun.java.command} holds Maven's whole command line
 * when the experiments run in Maven's JVM, as the game day runs them): the configuration is loaded
 * before the first test class completes, so the reports never see it.
 */
final class SecretProperties {
  /** Properties of this project: the engine's, the lab's and the experiments' all start with it. */
  private static final String PROJECT_PREFIX = "tokenlabs.";
  /**
   * A key's last segment that names a secret rather than where one is kept. Singular on purpose:
   * {@code maxTokens} or {@code outputTokens} count tokens of a completion and are no secret.
   */
  private static final Pattern SECRET_NAME = Pattern.compile(
      ".*(token|password|passwd|passphrase|secret|credentials?|apikey|api-key|api_key)");

  private SecretProperties() {
  }

  /**
   * Removes every secret-valued project property from {@code properties}.
   *
   * @throws ConfigException naming the first one (never its value) and the file or environment form to use
   */
  static void refuse(Properties properties) {
    List<String> refused = properties.stringPropertyNames().stream().filter(k -> k.startsWith(PROJECT_PREFIX))
        .filter(k -> namesSecret(k) || UrlRedaction.hasUserinfo(properties.getProperty(k))).sorted().toList();
    if (refused.isEmpty()) {
      return;
    }
    List<String> secrets = refused.stream().map(properties::getProperty).filter(v -> !v.isBlank()).toList();
    refused.forEach(properties::remove);
    maskRepeats(properties, secrets);
    String key = refused.get(0);
    throw new ConfigException(key + ": a secret may not be given as a system property (-D" + key + "=...): the "
        + "process list and the test reports (failsafe's XML lists every system property) would show it. It was "
        + "removed from this JVM's properties" + (refused.size() > 1 ? ", with " + refused.subList(1, refused.size()) : "")
        + ". " + (namesSecret(key) ? "Put the secret in a file or an environment variable and name that instead: "
            + "prometheus.bearerTokenFile or prometheus.bearerTokenEnv for a bearer token, "
            + "prometheus.basicAuth.passwordEnv for a password"
            : "Remove the credentials from the URL and use prometheus.bearerTokenFile, prometheus.bearerTokenEnv or "
            + "prometheus.basicAuth.username with passwordEnv"));
  }

  private static void maskRepeats(Properties properties, List<String> secrets) {
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      String masked = value;
      for (String secret : secrets) {
        masked = masked.replace(secret, UrlRedaction.MASK);
      }
      if (!masked.equals(value)) {
        properties.setProperty(key, masked);
      }
    }
  }

  /** Whether the key's last segment names a secret, not where one is kept ({@code bearerTokenFile}, {@code ...Env}). */
  static boolean namesSecret(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return SECRET_NAME.matcher(last).matches();
  }
}
