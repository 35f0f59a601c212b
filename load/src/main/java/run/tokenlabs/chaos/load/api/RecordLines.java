package run.tokenlabs.chaos.load.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One {@link RequestRecord} per JSON line and back, every field kept exactly (times in nanoseconds
 * since the run's origin, -1 for "did not happen"), so that a record read back from a run's file
 * equals the one the run concluded and every figure computed from it is the same.
 */
final class RecordLines {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordLines() {}

  static String toLine(RequestRecord r) {
    var out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("id", r.id());
      g.writeStringField("bucket", r.bucket());
      g.writeNumberField("maxTokens", r.maxTokens());
      g.writeBooleanField("slowReader", r.slowReader());
      g.writeNumberField("intendedStartNanos", r.intendedStartNanos());
      g.writeNumberField("actualStartNanos", r.actualStartNanos());
      g.writeNumberField("responseHeadersNanos", r.responseHeadersNanos());
      g.writeNumberField("firstChunkNanos", r.firstChunkNanos());
      g.writeNumberField("firstContentNanos", r.firstContentNanos());
      g.writeNumberField("lastChunkNanos", r.lastChunkNanos());
      g.writeNumberField("endNanos", r.endNanos());
      g.writeArrayFieldStart("gapsMicros");
      for (int i = 0; i < r.gaps().count(); i++) {
        g.writeNumber(r.gaps().micros(i));
      }
      g.writeEndArray();
      g.writeNumberField("chunks", r.chunks());
      g.writeNumberField("tokensReceived", r.tokensReceived());
      g.writeStringField("finishReason", r.finishReason());
      if (r.usage() != null) {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("promptTokens", r.usage().promptTokens());
        g.writeNumberField("completionTokens", r.usage().completionTokens());
        g.writeNumberField("totalTokens", r.usage().totalTokens());
        g.writeEndObject();
      }
      g.writeBooleanField("done", r.doneReceived());
      g.writeNumberField("httpStatus", r.httpStatus());
      g.writeStringField("outcome", r.outcome().name());
      g.writeArrayFieldStart("truncation");
      for (TruncationSignal s : EnumSet.copyOf(withNone(r.truncation()))) {
        g.writeString(s.name());
      }
      g.writeEndArray();
      g.writeStringField("errorClass", r.errorClass());
      g.writeStringField("errorDetail", r.errorDetail());
      g.writeNumberField("tokenizerTokens", r.tokenizerTokens());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write request " + r.id() + " as JSON", e);
    }
    return out.toString();
  }

  private static Set<TruncationSignal> withNone(Set<TruncationSignal> signals) {
    return signals.isEmpty() ? EnumSet.noneOf(TruncationSignal.class) : signals;
  }

  static RequestRecord fromLine(String line) {
    JsonNode n;
    try {
      n = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException("A records file line is not JSON (expected one request record per line,"
          + " as a load writes them; was the file edited or cut?): " + abbreviate(line), e);
    }
    JsonNode gapsNode = n.get("gapsMicros");
    int[] gaps = new int[gapsNode.size()];
    for (int i = 0; i < gaps.length; i++) {
      gaps[i] = gapsNode.get(i).intValue();
    }
    JsonNode u = n.get("usage");
    Usage usage = u == null || u.isNull() ? null
        : new Usage(u.get("promptTokens").intValue(), u.get("completionTokens").intValue(), u.get("totalTokens").intValue());
    var signals = EnumSet.noneOf(TruncationSignal.class);
    n.get("truncation").forEach(s -> signals.add(TruncationSignal.valueOf(s.asText())));
    return new RequestRecord(n.get("id").longValue(), n.get("bucket").asText(), n.get("maxTokens").intValue(),
        n.get("slowReader").booleanValue(), n.get("intendedStartNanos").longValue(),
        n.get("actualStartNanos").longValue(), n.get("responseHeadersNanos").longValue(),
        n.get("firstChunkNanos").longValue(), n.get("firstContentNanos").longValue(),
        n.get("lastChunkNanos").longValue(), n.get("endNanos").longValue(), InterChunkGaps.of(gaps, gaps.length),
        n.get("chunks").intValue(), n.get("tokensReceived").intValue(), text(n, "finishReason"), usage,
        n.get("done").booleanValue(), n.get("httpStatus").intValue(), Outcome.valueOf(n.get("outcome").asText()),
        signals, text(n, "errorClass"), text(n, "errorDetail"), n.get("tokenizerTokens").intValue());
  }

  /** Streams every record of {@code file} to {@code sink}, one line at a time. */
  static void forEach(Path file, Consumer<RequestRecord> sink) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          sink.accept(fromLine(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the load's records back from " + file
          + "; the file is written by the run and must stay until its result is no longer read", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
