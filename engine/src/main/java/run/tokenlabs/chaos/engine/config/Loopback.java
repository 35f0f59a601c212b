package run.tokenlabs.chaos.engine.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a URL's host is this machine's loopback: {@code localhost}, {@code 127.0.0.0/8} or
 * {@code ::1}. Only literal addresses and the name {@code localhost} count; any other name is not
 * resolved, because what it resolves to can change between this check and the request.
 */
final class Loopback {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Loopback() {
  }

  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if ("localhost".equals(h)) {
      return true;
    }
    boolean ipv6 = h.startsWith("[") && h.endsWith("]");
    if (!ipv6 && !IPV4.matcher(h).matches()) {
      return false;
    }
    try {
      // a literal address: getByName parses it without asking DNS
      return InetAddress.getByName(ipv6 ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
