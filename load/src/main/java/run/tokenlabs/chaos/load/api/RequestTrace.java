package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A request trace to replay open-loop: for each request, when it arrives (offset from the trace's
 * start), how many input tokens its prompt has and how many output tokens it asks for. Held as three
 * primitive arrays (16 bytes a request); {@code maxEntries} bounds what a reader keeps of a large file.
 *
 * <p>Two formats are read. This project's ({@link #read}), a CSV with the header
 * {@code offset_ms,input_tokens,output_tokens}: milliseconds (decimals allowed) from the trace's start,
 * non-decreasing; lines starting with {@code #} and blank lines are skipped. And the Azure LLM
 * inference traces' CSV ({@link #readAzure}), header {@code TIMESTAMP,ContextTokens,GeneratedTokens},
 * timestamps such as {@code 2023-11-16 18:15:46.6805900} (UTC, up to 9 fractional digits, an offset
 * such as {@code +00:00} allowed): offsets are taken from the first row, rows sorted by time.
 *
 * @param timeScale replay speed: offsets are multiplied by it (0.5 replays twice as fast)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RequestTrace(String source, long[] offsetNanos, int[] inputTokens, int[] outputTokens, double timeScale) {
  /** What a reader keeps at most unless told otherwise: more than any bounded load sends. */
  public static final int DEFAULT_MAX_ENTRIES = 1_000_000;
  private static final String OWN_HEADER = "offset_ms,input_tokens,output_tokens";
  private static final String AZURE_HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";
  private static final DateTimeFormatter AZURE_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .toFormatter();

  public RequestTrace {
    if (offsetNanos.length != inputTokens.length || offsetNanos.length != outputTokens.length) {
      throw new IllegalArgumentException("RequestTrace arrays must have one entry per request, saw "
          + offsetNanos.length + ", " + inputTokens.length + " and " + outputTokens.length);
    }
    if (offsetNanos.length == 0) {
      throw new IllegalArgumentException("RequestTrace " + source + " has no request; give a file with at least one row");
    }
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException("RequestTrace time scale must be a finite number > 0, was " + timeScale);
    }
  }

  /** Reads this project's format (see above), at most {@link #DEFAULT_MAX_ENTRIES} rows. */
  public static RequestTrace read(Path file) {
    return read(file, DEFAULT_MAX_ENTRIES);
  }

  public static RequestTrace read(Path file, int maxEntries) {
    return parse(file, maxEntries, OWN_HEADER, (fields, line) -> {
      double ms = Double.parseDouble(fields[0].trim());
      if (!(ms >= 0) || Double.isInfinite(ms)) {
        throw new IllegalArgumentException("offset_ms must be a finite number >= 0, was " + fields[0]);
      }
      return Math.round(ms * 1e6);
    });
  }

  /** Reads an Azure LLM inference trace CSV (see above), at most {@link #DEFAULT_MAX_ENTRIES} rows. */
  public static RequestTrace readAzure(Path file) {
    return readAzure(file, DEFAULT_MAX_ENTRIES);
  }

  public static RequestTrace readAzure(Path file, int maxEntries) {
    RequestTrace absolute = parse(file, maxEntries, AZURE_HEADER, (fields, line) -> azureNanos(fields[0].trim()));
    return absolute.sortedFromFirst();
  }

  /** The same trace replayed at {@code scale} times its offsets (0.5: twice as fast). */
  public RequestTrace withTimeScale(double scale) {
    return new RequestTrace(source, offsetNanos, inputTokens, outputTokens, scale);
  }

  public int size() {
    return offsetNanos.length;
  }

  /** When request {@code i} is due, from the replay's start, time scale applied. */
  public long scaledOffsetNanos(int i) {
    return Math.round(offsetNanos[i] * timeScale);
  }

  public int maxInputTokens() {
    return Arrays.stream(inputTokens).max().orElse(1);
  }

  public int maxOutputTokens() {
    return Arrays.stream(outputTokens).max().orElse(1);
  }

  @Override
  public String toString() {
    return "RequestTrace[" + source + ", " + size() + " requests over "
        + String.format("%.1f", scaledOffsetNanos(size() - 1) / 1e9) + " s (time scale " + timeScale + ")]";
  }

  private interface TimeField {
    long nanos(String[] fields, int line);
  }

  private static RequestTrace parse(Path file, int maxEntries, String header, TimeField time) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    long[] t = new long[Math.min(maxEntries, 1024)];
    int[] in = new int[t.length];
    int[] out = new int[t.length];
    int n = 0;
    int lineNo = 0;
    boolean headerSeen = false;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null && n < maxEntries) {
        lineNo++;
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        if (!headerSeen) {
          if (!s.replace(" ", "").equalsIgnoreCase(header)) {
            throw new IllegalArgumentException(file + " line " + lineNo + ": expected the header '" + header
                + "', saw '" + s + "'; " + (header.equals(OWN_HEADER) ? "an Azure trace is read by RequestTrace.readAzure"
                : "this project's format is read by RequestTrace.read"));
          }
          headerSeen = true;
          continue;
        }
        String[] fields = s.split(",");
        if (fields.length != 3) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": expected 3 fields (" + header + "), saw "
              + fields.length + ": '" + s + "'");
        }
        if (n == t.length) {
          int grown = (int) Math.min(maxEntries, 2L * t.length);
          t = Arrays.copyOf(t, grown);
          in = Arrays.copyOf(in, grown);
          out = Arrays.copyOf(out, grown);
        }
        try {
          t[n] = time.nanos(fields, lineNo);
          in[n] = atLeastOne(fields[1], "input tokens");
          out[n] = atLeastOne(fields[2], "output tokens");
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": " + e.getMessage() + " in '" + s + "'", e);
        }
        if (header.equals(OWN_HEADER) && n > 0 && t[n] < t[n - 1]) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": offsets must not decrease, saw "
              + t[n] / 1e6 + " ms after " + t[n - 1] / 1e6 + " ms; sort the trace by offset");
        }
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request trace " + file, e);
    }
    if (!headerSeen) {
      throw new IllegalArgumentException(file + " is empty: expected the header '" + header + "' and rows");
    }
    return new RequestTrace(file.getFileName().toString(), Arrays.copyOf(t, n), Arrays.copyOf(in, n),
        Arrays.copyOf(out, n), 1.0);
  }

  private static int atLeastOne(String field, String what) {
    int v = Integer.parseInt(field.trim());
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be >= 1, was " + v);
    }
    return v;
  }

  private static long azureNanos(String timestamp) {
    try {
      var parsed = AZURE_TIME.parseBest(timestamp, OffsetDateTime::from, LocalDateTime::from);
      var instant = parsed instanceof OffsetDateTime odt ? odt.toInstant()
          : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
      return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("TIMESTAMP must look like 2023-11-16 18:15:46.6805900, was '" + timestamp + "'");
    }
  }

  /** Rows in time order, offsets from the earliest. */
  private RequestTrace sortedFromFirst() {
    Integer[] order = new Integer[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(offsetNanos[a], offsetNanos[b]));
    long first = offsetNanos[order[0]];
    long[] t = new long[size()];
    int[] in = new int[size()];
    int[] out = new int[size()];
    for (int i = 0; i < order.length; i++) {
      t[i] = offsetNanos[order[i]] - first;
      in[i] = inputTokens[order[i]];
      out[i] = outputTokens[order[i]];
    }
    return new RequestTrace(source, t, in, out, timeScale);
  }
}
