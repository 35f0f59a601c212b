package run.tokenlabs.chaos.probes.exposition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * A parser for the Prometheus text exposition format (version 0.0.4) that also accepts what
 * OpenMetrics adds: {@code # EOF}, {@code # UNIT}, exemplars after {@code #} on a sample line,
 * float timestamps in seconds, and quoted metric names inside the braces.
 *
 * <p>It is a hand-written scanner without regular expressions because the direct sampler runs it
 * ten times a second on every target. Values {@code NaN}, {@code +Inf}, {@code -Inf} (any case,
 * also {@code Inf}) are mapped explicitly: Java's {@link Double#parseDouble} rejects {@code +Inf}
 * and would accept {@code 1.5d}, which the format does not.
 *
 * <p>A malformed line fails the whole parse with {@link ExpositionParseException}, as it fails a
 * Prometheus scrape. Thread-safe: it holds no state.
 */
public final class ExpositionParser {

  /** Receives the samples of {@link #scan}; {@code labels} is a fresh unmodifiable map. */
  @FunctionalInterface
  public interface SampleSink {
    void accept(String name, Map<String, String> labels, double value);
  }

  private ExpositionParser() {
  }

  /** Parses a whole exposition; OpenMetrics is recognised by its closing {@code # EOF}. */
  public static Exposition parse(String text) {
    return parse(text, looksLikeOpenMetrics(text));
  }

  /**
   * Parses a whole exposition.
   *
   * @param openMetrics whether timestamps are seconds (OpenMetrics) rather than milliseconds
   */
  public static Exposition parse(String text, boolean openMetrics) {
    Exposition.Builder builder = new Exposition.Builder();
    new Scanner(text, openMetrics, name -> true, builder).run();
    return builder.build();
  }

  /**
   * Streams the samples whose name passes {@code wanted}, skipping the rest before their labels are
   * read; HELP and TYPE are ignored. This is the sampler's cheap path.
   */
  public static void scan(String text, Predicate<String> wanted, SampleSink sink) {
    new Scanner(text, looksLikeOpenMetrics(text), wanted, new Listener() {
      @Override
      public void sample(MetricSample sample) {
        sink.accept(sample.name(), sample.labels(), sample.value());
      }
    }).run();
  }

  /**
   * Parses one sample value as the format writes it: a Go float, {@code NaN}, {@code +Inf},
   * {@code -Inf}, {@code Inf} in any case.
   *
   * @throws NumberFormatException when it is none of them
   */
  public static double parseValue(String token) {
    int length = token.length();
    if (length == 0) {
      throw new NumberFormatException("empty value");
    }
    char last = token.charAt(length - 1);
    if (last == 'f' || last == 'F' || last == 'n' || last == 'N' || last == 'y' || last == 'Y') {
      String lower = token.toLowerCase(java.util.Locale.ROOT);
      switch (lower) {
        case "nan":
          return Double.NaN;
        case "inf", "+inf", "infinity", "+infinity":
          return Double.POSITIVE_INFINITY;
        case "-inf", "-infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw new NumberFormatException("not a number: " + token);
      }
    }
    if (!(last >= '0' && last <= '9') && last != '.') {
      throw new NumberFormatException("not a number: " + token);
    }
    return Double.parseDouble(token);
  }

  static boolean looksLikeOpenMetrics(String text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return end >= 5 && text.startsWith("# EOF", end - 5);
  }

  /** What the scanner reports; the default methods ignore metadata. */
  interface Listener {
    default void help(String family, String help) {
    }

    default void type(String family, String type) {
    }

    void sample(MetricSample sample);
  }

  /** One pass over one text. Not thread-safe; made per parse. */
  private static final class Scanner {
    private final String text;
    private final boolean openMetrics;
    private final Predicate<String> wanted;
    private final Listener listener;
    private int pos;
    private int lineStart;
    private int lineEnd;
    private int lineNumber;

    Scanner(String text, boolean openMetrics, Predicate<String> wanted, Listener listener) {
      this.text = text;
      this.openMetrics = openMetrics;
      this.wanted = wanted;
      this.listener = listener;
    }

    void run() {
      int length = text.length();
      int start = 0;
      while (start < length) {
        int newline = text.indexOf('\n', start);
        int end = newline < 0 ? length : newline;
        lineNumber++;
        lineStart = start;
        lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
        pos = start;
        if (!line()) {
          return;
        }
        start = end + 1;
      }
    }

    /** Handles one line; false when {@code # EOF} ends the exposition. */
    private boolean line() {
      skipBlanks();
      if (pos >= lineEnd) {
        return true;
      }
      if (text.charAt(pos) == '#') {
        return comment();
      }
      sampleLine();
      return true;
    }

    private boolean comment() {
      pos++;
      skipBlanks();
      String keyword = token();
      switch (keyword) {
        case "EOF":
          return false;
        case "HELP": {
          skipBlanks();
          String family = token();
          skipOneBlank();
          listener.help(family, unescapeHelp(text.substring(pos, lineEnd)));
          return true;
        }
        case "TYPE": {
          skipBlanks();
          String family = token();
          skipBlanks();
          String type = token().toLowerCase(java.util.Locale.ROOT);
          if (family.isEmpty() || type.isEmpty()) {
            throw error("TYPE needs a metric name and a type");
          }
          listener.type(family, type);
          return true;
        }
        default:
          return true;
      }
    }

    private void sampleLine() {
      String name = null;
      if (text.charAt(pos) != '{') {
        name = metricName();
        if (!wanted.test(name)) {
          return;
        }
        skipBlanks();
      }
      Map<String, String> labels = Map.of();
      boolean blankBeforeValue = pos > 0 && isBlank(text.charAt(pos - 1));
      if (pos < lineEnd && text.charAt(pos) == '{') {
        LabelsAndName parsed = labels(name == null);
        labels = parsed.labels;
        if (name == null) {
          name = parsed.name;
          if (name == null) {
            throw error("no metric name");
          }
          if (!wanted.test(name)) {
            return;
          }
        }
        blankBeforeValue = pos < lineEnd && isBlank(text.charAt(pos));
      }
      if (pos >= lineEnd || !blankBeforeValue && !isBlank(text.charAt(pos))) {
        throw error("expected a blank and a value after the metric name");
      }
      skipBlanks();
      String valueToken = token();
      double value;
      try {
        value = parseValue(valueToken);
      } catch (NumberFormatException e) {
        throw error("value '" + valueToken + "' is not a number");
      }
      OptionalLong timestamp = OptionalLong.empty();
      skipBlanks();
      if (pos < lineEnd && text.charAt(pos) != '#') {
        timestamp = timestamp(token());
        skipBlanks();
      }
      if (pos < lineEnd && text.charAt(pos) != '#') {
        throw error("unexpected text after the value");
      }
      listener.sample(new MetricSample(name, labels, value, timestamp));
    }

    private OptionalLong timestamp(String token) {
      try {
        if (openMetrics || token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
          return OptionalLong.of(Math.round(Double.parseDouble(token) * 1000.0));
        }
        return OptionalLong.of(Long.parseLong(token));
      } catch (NumberFormatException e) {
        throw error("timestamp '" + token + "' is not a number");
      }
    }

    private String metricName() {
      int start = pos;
      while (pos < lineEnd && isNameChar(text.charAt(pos), pos == start)) {
        pos++;
      }
      if (pos == start) {
        throw error("expected a metric name");
      }
      return text.substring(start, pos);
    }

    private LabelsAndName labels(boolean nameMayBeQuoted) {
      pos++; // '{'
      Map<String, String> labels = new LinkedHashMap<>(8);
      String quotedName = null;
      while (true) {
        skipBlanks();
        if (pos >= lineEnd) {
          throw error("labels not closed with '}'");
        }
        char c = text.charAt(pos);
        if (c == '}') {
          pos++;
          break;
        }
        String labelName = c == '"' ? quoted() : labelName();
        skipBlanks();
        if (pos < lineEnd && text.charAt(pos) == '=') {
          pos++;
          skipBlanks();
          if (pos >= lineEnd || text.charAt(pos) != '"') {
            throw error("label value of '" + labelName + "' must be quoted");
          }
          if (labels.put(labelName, quoted()) != null) {
            throw error("label '" + labelName + "' appears twice");
          }
        } else if (nameMayBeQuoted && c == '"' && quotedName == null && labels.isEmpty()) {
          quotedName = labelName;
        } else {
          throw error("expected '=' after label name '" + labelName + "'");
        }
        skipBlanks();
        if (pos < lineEnd && text.charAt(pos) == ',') {
          pos++;
        } else if (pos >= lineEnd || text.charAt(pos) != '}') {
          throw error("expected ',' or '}' in labels");
        }
      }
      return new LabelsAndName(labels.isEmpty() ? Map.of() : Collections.unmodifiableMap(labels), quotedName);
    }

    private String labelName() {
      int start = pos;
      while (pos < lineEnd && isLabelChar(text.charAt(pos), pos == start)) {
        pos++;
      }
      if (pos == start) {
        throw error("expected a label name");
      }
      return text.substring(start, pos);
    }

    /** A double-quoted string with {@code \\}, {@code \"} and {@code \n} escapes, cursor on the opening quote. */
    private String quoted() {
      int start = ++pos;
      while (pos < lineEnd) {
        char c = text.charAt(pos);
        if (c == '"') {
          return text.substring(start, pos++);
        }
        if (c == '\\') {
          return quotedWithEscapes(start);
        }
        pos++;
      }
      throw error("unterminated quoted string");
    }

    private String quotedWithEscapes(int start) {
      StringBuilder sb = new StringBuilder(32).append(text, start, pos);
      while (pos < lineEnd) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\' && pos < lineEnd) {
          char escaped = text.charAt(pos++);
          switch (escaped) {
            case 'n' -> sb.append('\n');
            case '\\' -> sb.append('\\');
            case '"' -> sb.append('"');
            default -> sb.append('\\').append(escaped);
          }
        } else {
          sb.append(c);
        }
      }
      throw error("unterminated quoted string");
    }

    private String token() {
      int start = pos;
      while (pos < lineEnd && !isBlank(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos);
    }

    private void skipBlanks() {
      while (pos < lineEnd && isBlank(text.charAt(pos))) {
        pos++;
      }
    }

    private void skipOneBlank() {
      if (pos < lineEnd && isBlank(text.charAt(pos))) {
        pos++;
      }
    }

    private ExpositionParseException error(String reason) {
      return new ExpositionParseException(lineNumber, text.substring(lineStart, lineEnd), reason);
    }
  }

  private record LabelsAndName(Map<String, String> labels, String name) {
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
  }

  private static boolean isLabelChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
  }

  private static String unescapeHelp(String help) {
    if (help.indexOf('\\') < 0) {
      return help;
    }
    StringBuilder sb = new StringBuilder(help.length());
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\' && i + 1 < help.length()) {
        char next = help.charAt(++i);
        switch (next) {
          case 'n' -> sb.append('\n');
          case '\\' -> sb.append('\\');
          default -> sb.append('\\').append(next);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
