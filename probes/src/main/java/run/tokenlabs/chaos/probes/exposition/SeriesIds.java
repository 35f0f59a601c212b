package run.tokenlabs.chaos.probes.exposition;

import java.util.Map;

/** Renders a series as {@code name{a="x",b="y"}}, the way Prometheus prints it. */
public final class SeriesIds {
  private SeriesIds() {
  }

  /** The series id of a name and its labels, label values escaped ({@code \\}, {@code \"}, {@code \n}). */
  public static String of(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length() + labels.size() * 24).append(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(label.getKey()).append("=\"");
      appendEscaped(sb, label.getValue());
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static void appendEscaped(StringBuilder sb, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }
}
