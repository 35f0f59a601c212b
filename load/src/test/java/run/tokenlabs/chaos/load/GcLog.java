package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap after each collection, read from a unified GC log ({@code -Xlog:gc:file=...}): the JVM's own
 * account of what survived, unlike a memory pool's "collection usage", which G1 updates for some
 * pools only and which read 11 MB while the log showed 171 MB live.
 */
final class GcLog {
  /** {@code [12.345s][info][gc] GC(7) Pause Full (System.gc()) 171M->160M(256M) 45.6ms}. */
  private static final Pattern PAUSE = Pattern.compile(
      "\\[(\\d+(?:\\.\\d+)?)s\\].*GC\\(\\d+\\) (Pause [A-Za-z]+)[^>]*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  /** One collection: when (seconds of JVM uptime), which pause, heap after it in bytes. */
  record Pause(double uptimeSeconds, String kind, long afterBytes) {
    boolean full() {
      return kind.equals("Pause Full");
    }
  }

  private GcLog() {}

  static List<Pause> read(Path file) throws IOException {
    var pauses = new ArrayList<Pause>();
    for (String line : Files.readAllLines(file)) {
      Pause p = parse(line);
      if (p != null) {
        pauses.add(p);
      }
    }
    return pauses;
  }

  /** The pause on {@code line}, or null if the line records none (a phase line, a header). */
  static Pause parse(String line) {
    Matcher m = PAUSE.matcher(line);
    if (!m.find()) {
      return null;
    }
    return new Pause(Double.parseDouble(m.group(1)), m.group(2), bytes(m.group(5), m.group(6)));
  }

  private static long bytes(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }
}
