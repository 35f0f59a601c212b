package run.tokenlabs.chaos.engine.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the password of every URL in a text: {@code https://user:pw@host} becomes
 * {@code https://user:****@host}, and a userinfo without a colon (a bare token, as some proxies
 * take it) becomes {@code ****}. Configuration errors echo the values they refuse, and a URL may
 * carry credentials a user pasted in by mistake; they must not reach a console, a log or a report.
 */
final class UrlRedaction {
  /** Scheme, then userinfo up to the last '@' before the host (a password may itself hold an '@'). */
  private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\\s]*)@");
  static final String MASK = "****";

  private UrlRedaction() {
  }

  static String redact(String text) {
    if (text == null || !text.contains("@")) {
      return text;
    }
    Matcher m = USERINFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + mask(m.group(2)) + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Whether the text holds a URL with userinfo. */
  static boolean hasUserinfo(String text) {
    return text != null && USERINFO.matcher(text).find();
  }

  private static String mask(String userinfo) {
    int colon = userinfo.indexOf(':');
    return colon < 0 ? MASK : userinfo.substring(0, colon) + ":" + MASK;
  }
}
