package run.tokenlabs.chaos.faults;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parses label selectors the way the Kubernetes API server does ({@code kubectl get pods -l ...}):
 * comma-separated requirements, all of which must hold: {@code key=value} (or {@code ==}),
 * {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key} (exists),
 * {@code !key} (does not exist), {@code key>1} and {@code key<1} (integers). Keys and values are
 * checked as Kubernetes checks them; a key may appear twice ({@code app=a,app=b} is valid and, as on
 * the API server, matches nothing).
 */
final class LabelSelectors {
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final String SPECIAL = "=!(),<>";

  private LabelSelectors() {
  }

  /** One requirement of a selector. */
  record Requirement(String key, String operator, List<String> values) {
    boolean matches(Map<String, String> labels) {
      boolean has = labels.containsKey(key);
      String value = labels.get(key);
      return switch (operator) {
        case "=", "in" -> has && values.contains(value);
        case "!=", "notin" -> !has || !values.contains(value);
        case "exists" -> has;
        case "!" -> !has;
        case ">", "<" -> has && INTEGER.matcher(value).matches() && compare(Long.parseLong(value));
        default -> throw new IllegalStateException("unknown operator " + operator);
      };
    }

    private boolean compare(long labelValue) {
      long bound = Long.parseLong(values.get(0));
      return operator.equals(">") ? labelValue > bound : labelValue < bound;
    }

    String canonical() {
      return switch (operator) {
        case "exists" -> key;
        case "!" -> "!" + key;
        case "in", "notin" -> key + " " + operator + " (" + String.join(",", values) + ")";
        default -> key + operator + values.get(0);
      };
    }
  }

  /** A parsed selector: every requirement must hold. */
  record Selector(String text, List<Requirement> requirements) {
    boolean matches(Map<String, String> labels) {
      Map<String, String> present = labels == null ? Map.of() : labels;
      return requirements.stream().allMatch(r -> r.matches(present));
    }

    /** The selector as the API server's {@code labelSelector} parameter takes it. */
    String canonical() {
      return requirements.stream().map(Requirement::canonical).collect(Collectors.joining(","));
    }
  }

  /**
   * The selector, or an {@link IllegalArgumentException} naming the selector, the position and what
   * was expected. An empty selector is refused: on the API server it matches every pod.
   */
  static Selector parse(String selector) {
    if (selector.isBlank()) {
      throw new IllegalArgumentException("label selector is empty, which would match every pod of the namespace; "
          + "name the pods, e.g. app=deepseek-r1-7b");
    }
    List<String> tokens = tokens(selector);
    List<Requirement> requirements = new ArrayList<>();
    int[] at = {0};
    while (true) {
      requirements.add(requirement(selector, tokens, at));
      if (at[0] == tokens.size()) {
        return new Selector(selector, List.copyOf(requirements));
      }
      expect(selector, tokens, at, ",");
    }
  }

  private static Requirement requirement(String selector, List<String> tokens, int[] at) {
    if (peek(tokens, at).equals("!")) {
      at[0]++;
      return new Requirement(key(selector, next(selector, tokens, at, "a key after '!'")), "!", List.of());
    }
    String key = key(selector, next(selector, tokens, at, "a key"));
    String op = peek(tokens, at);
    switch (op) {
      case "", "," -> {
        return new Requirement(key, "exists", List.of());
      }
      case "=", "==", "!=" -> {
        at[0]++;
        String value = peek(tokens, at);
        if (value.isEmpty() || value.equals(",")) {
          value = ""; // key= is a valid requirement: the label is present with an empty value
        } else if (SPECIAL.indexOf(value.charAt(0)) >= 0) {
          throw invalid(selector, "'" + value + "' after '" + key + op + "'", "write one value after " + op);
        } else {
          at[0]++;
        }
        return new Requirement(key, op.equals("!=") ? "!=" : "=", List.of(value(selector, key, value)));
      }
      case "in", "notin" -> {
        at[0]++;
        return new Requirement(key, op, set(selector, key, tokens, at));
      }
      case ">", "<" -> {
        at[0]++;
        String bound = next(selector, tokens, at, "an integer after '" + op + "'");
        if (!INTEGER.matcher(bound).matches()) {
          throw invalid(selector, "'" + key + op + bound + "': '" + bound + "' is not an integer", "compare with a whole "
              + "number, e.g. " + key + op + "1");
        }
        return new Requirement(key, op, List.of(bound));
      }
      default -> throw invalid(selector, "after key '" + key + "' comes '" + op + "'", "use =, ==, !=, in (...), notin "
          + "(...), >, <, or a comma");
    }
  }

  private static List<String> set(String selector, String key, List<String> tokens, int[] at) {
    expect(selector, tokens, at, "(");
    Set<String> values = new LinkedHashSet<>();
    while (true) {
      String token = peek(tokens, at);
      if (token.equals(")") || token.equals(",")) {
        values.add(value(selector, key, "")); // an empty element, as in "in (a,)"
      } else {
        at[0]++;
        values.add(value(selector, key, token));
      }
      String sep = next(selector, tokens, at, "',' or ')' in the value set of '" + key + "'");
      if (sep.equals(")")) {
        return List.copyOf(values);
      }
      if (!sep.equals(",")) {
        throw invalid(selector, "'" + sep + "' in the value set of '" + key + "'", "write values as (a,b)");
      }
    }
  }

  private static String key(String selector, String key) {
    if (isOperator(key) || key.equals(",") || key.equals("(") || key.equals(")")) {
      throw invalid(selector, "'" + key + "' where a key was expected", "start each requirement with a label key");
    }
    String[] parts = key.split("/", -1);
    String name = parts[parts.length - 1];
    boolean validPrefix = parts.length == 1 || parts.length == 2 && parts[0].length() <= 253
        && DNS_SUBDOMAIN.matcher(parts[0]).matches();
    if (!validPrefix || name.length() > 63 || !NAME.matcher(name).matches()) {
      throw invalid(selector, "'" + key + "' is not a valid label key", "a key is a name of at most 63 characters "
          + "(letters, digits, '-', '_', '.', starting and ending with a letter or digit), optionally prefixed by a "
          + "DNS subdomain and '/', e.g. app.kubernetes.io/name");
    }
    return key;
  }

  private static String value(String selector, String key, String value) {
    if (!value.isEmpty() && (value.length() > 63 || !NAME.matcher(value).matches())) {
      throw invalid(selector, "'" + value + "' is not a valid value for '" + key + "'", "a value is empty or at most "
          + "63 characters (letters, digits, '-', '_', '.', starting and ending with a letter or digit)");
    }
    return value;
  }

  private static boolean isOperator(String token) {
    return Set.of("=", "==", "!=", "!", "in", "notin", ">", "<", "(", ")").contains(token);
  }

  private static List<String> tokens(String selector) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < selector.length()) {
      char c = selector.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (SPECIAL.indexOf(c) >= 0) {
        boolean two = i + 1 < selector.length() && selector.charAt(i + 1) == '=' && (c == '=' || c == '!');
        tokens.add(selector.substring(i, i + (two ? 2 : 1)));
        i += two ? 2 : 1;
      } else {
        int start = i;
        while (i < selector.length() && !Character.isWhitespace(selector.charAt(i))
            && SPECIAL.indexOf(selector.charAt(i)) < 0) {
          i++;
        }
        tokens.add(selector.substring(start, i));
      }
    }
    return tokens;
  }

  private static String peek(List<String> tokens, int[] at) {
    return at[0] < tokens.size() ? tokens.get(at[0]) : "";
  }

  private static String next(String selector, List<String> tokens, int[] at, String expected) {
    if (at[0] >= tokens.size()) {
      throw invalid(selector, "it ends where " + expected + " was expected", "complete the requirement");
    }
    return tokens.get(at[0]++);
  }

  private static void expect(String selector, List<String> tokens, int[] at, String token) {
    String seen = at[0] < tokens.size() ? tokens.get(at[0]) : "the end";
    if (!seen.equals(token)) {
      throw invalid(selector, "'" + seen + "' where '" + token + "' was expected", "separate requirements with ',' "
          + "and write sets as key in (a,b)");
    }
    at[0]++;
  }

  private static IllegalArgumentException invalid(String selector, String problem, String accepted) {
    return new IllegalArgumentException("label selector '" + selector + "' is not valid as Kubernetes reads it: "
        + problem + "; " + accepted);
  }
}
