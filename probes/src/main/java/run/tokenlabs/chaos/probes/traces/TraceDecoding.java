package run.tokenlabs.chaos.probes.traces;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.probes.api.Trace;
import run.tokenlabs.chaos.probes.api.TraceSpan;

/**
 * The three query APIs' answers for one trace, read into a {@link Trace}: Zipkin's JSON v2 span list,
 * Jaeger's {@code {"data":[{"spans":[...],"processes":{...}}]}} and Tempo's OTLP JSON
 * ({@code batches} or, from {@code /api/v2/traces}, {@code trace.resourceSpans}), whose ids are base64 as
 * protobuf's JSON mapping writes bytes, or hex.
 */
final class TraceDecoding {
  private TraceDecoding() {
  }

  static Trace zipkin(String traceId, JsonNode spans) {
    requireArray(spans, "Zipkin's /api/v2/trace answer");
    List<TraceSpan> out = new ArrayList<>();
    for (JsonNode span : spans) {
      out.add(new TraceSpan(hex(span.path("id").asText()), hex(span.path("parentId").asText("")),
          span.at("/localEndpoint/serviceName").asText(""), span.path("name").asText("")));
    }
    return new Trace(traceId, out);
  }

  static Trace jaeger(String traceId, JsonNode answer) {
    JsonNode data = answer.path("data");
    requireArray(data, "Jaeger's /api/traces answer's data");
    List<TraceSpan> out = new ArrayList<>();
    for (JsonNode trace : data) {
      Map<String, String> services = new TreeMap<>();
      trace.path("processes").fields().forEachRemaining(p -> services.put(p.getKey(),
          p.getValue().path("serviceName").asText("")));
      for (JsonNode span : trace.path("spans")) {
        String parent = "";
        for (JsonNode ref : span.path("references")) {
          if ("CHILD_OF".equals(ref.path("refType").asText())) {
            parent = hex(ref.path("spanID").asText());
          }
        }
        out.add(new TraceSpan(hex(span.path("spanID").asText()), parent,
            services.getOrDefault(span.path("processID").asText(), ""), span.path("operationName").asText("")));
      }
    }
    return new Trace(traceId, out);
  }

  static Trace tempo(String traceId, JsonNode answer) {
    JsonNode batches = answer.has("batches") ? answer.path("batches") : answer.at("/trace/resourceSpans");
    if (batches.isMissingNode() && answer.has("resourceSpans")) {
      batches = answer.path("resourceSpans");
    }
    requireArray(batches, "Tempo's trace answer's batches (or trace.resourceSpans)");
    List<TraceSpan> out = new ArrayList<>();
    for (JsonNode batch : batches) {
      String service = "";
      for (JsonNode attribute : batch.at("/resource/attributes")) {
        if ("service.name".equals(attribute.path("key").asText())) {
          service = attribute.at("/value/stringValue").asText("");
        }
      }
      JsonNode scopes = batch.has("scopeSpans") ? batch.path("scopeSpans") : batch.path("instrumentationLibrarySpans");
      for (JsonNode scope : scopes) {
        for (JsonNode span : scope.path("spans")) {
          out.add(new TraceSpan(id(span.path("spanId").asText(), 8), id(span.path("parentSpanId").asText(""), 8),
              service, span.path("name").asText("")));
        }
      }
    }
    return new Trace(traceId, out);
  }

  /**
   * The trace ids of a search answer: Zipkin's list of traces (each a span list), Jaeger's
   * {@code data[].traceID}, Tempo's {@code traces[].traceID}; hex, lower case.
   */
  static List<String> searchIds(TraceBackendEndpoint.Kind kind, JsonNode answer) {
    List<String> ids = new ArrayList<>();
    switch (kind) {
      case ZIPKIN -> {
        requireArray(answer, "Zipkin's /api/v2/traces answer");
        answer.forEach(trace -> trace.forEach(span -> addOnce(ids, span.path("traceId").asText())));
      }
      case JAEGER -> {
        JsonNode data = answer.path("data");
        requireArray(data, "Jaeger's /api/traces search answer's data");
        data.forEach(trace -> addOnce(ids, trace.path("traceID").asText()));
      }
      case TEMPO -> {
        JsonNode traces = answer.path("traces");
        requireArray(traces, "Tempo's /api/search answer's traces");
        traces.forEach(trace -> addOnce(ids, trace.path("traceID").asText()));
      }
    }
    return ids;
  }

  private static void addOnce(List<String> ids, String id) {
    // Tempo and Jaeger may drop leading zeros of a trace id: pad to the 32 digits of W3C's
    String hex = "0".repeat(Math.max(0, 32 - id.length())) + id.toLowerCase(Locale.ROOT);
    if (!id.isEmpty() && !ids.contains(hex)) {
      ids.add(hex);
    }
  }

  /** An id as OTLP JSON carries it: hex of the id's length, else base64 of its bytes. */
  static String id(String value, int bytes) {
    if (value.isEmpty()) {
      return "";
    }
    if (value.length() == bytes * 2 && value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return value.toLowerCase(Locale.ROOT);
    }
    try {
      return HexFormat.of().formatHex(Base64.getDecoder().decode(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("span id '" + value + "' is neither " + bytes * 2 + " hex digits nor base64");
    }
  }

  private static String hex(String value) {
    return value.toLowerCase(Locale.ROOT);
  }

  private static void requireArray(JsonNode node, String what) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(what + " is not a JSON array");
    }
  }
}
