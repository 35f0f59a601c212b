package run.tokenlabs.chaos.engine.config;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the configuration and the context guard write an API server and a CA, so that the two compare
 * equal when they mean the same: a server as {@code scheme://host:port} (default port filled in, host
 * in lower case, no path), a CA fingerprint as 64 lower-case hex digits.
 */
public final class ApiServers {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private ApiServers() {
  }

  /** {@code https://API.example:443/} and {@code https://api.example} both become {@code https://api.example:443}. */
  public static String normalize(URI url) {
    String scheme = url.getScheme() == null ? "https" : url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort() >= 0 ? url.getPort() : "http".equals(scheme) ? 80 : 443;
    String host = url.getHost() == null ? String.valueOf(url.getAuthority()) : url.getHost();
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** The fingerprint in canonical form, or null when {@code text} is not 32 bytes of hex (colons allowed, any case). */
  public static String fingerprint(String text) {
    String hex = text.strip().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.startsWith("sha256=")) {
      hex = hex.substring("sha256=".length());
    }
    return HEX64.matcher(hex).matches() ? hex : null;
  }
}
