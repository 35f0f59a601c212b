package run.tokenlabs.chaos.lab.metrics;

/**
 * A writer of the Prometheus text exposition format 0.0.4: {@code # HELP}, {@code # TYPE} and sample
 * lines. Not thread-safe; one per scrape.
 */
public final class TextFormat {
  /** The content type Prometheus expects for this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);

  public TextFormat header(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  public TextFormat sample(String name, String labels, double value) {
    out.append(name);
    if (labels != null && !labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(number(value)).append('\n');
    return this;
  }

  /** Convenience: header and one sample. */
  public TextFormat single(String name, String type, String help, String labels, double value) {
    return header(name, type, help).sample(name, labels, value);
  }

  /** Formats like Go's Prometheus client: integers without a fraction, specials as NaN/+Inf/-Inf. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** {@code key="value"} with the value escaped as the format requires. */
  public static String label(String key, String value) {
    String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return key + "=\"" + escaped + "\"";
  }

  /** Joins label fragments with commas, skipping empty ones. */
  public static String join(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (p == null || p.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(p);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
