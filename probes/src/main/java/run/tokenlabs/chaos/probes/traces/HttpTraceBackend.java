package run.tokenlabs.chaos.probes.traces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.probes.api.Trace;
import run.tokenlabs.chaos.probes.api.TraceBackend;
import run.tokenlabs.chaos.probes.http.BoundedBodies;

/**
 * A trace backend asked over HTTP: one GET per trace id on its kind's path, a 404 (or an answer with no
 * span) read as "no such trace", anything else that is not 200 and its API's JSON an ERROR naming the URL.
 */
final class HttpTraceBackend implements TraceBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private final TraceBackendEndpoint endpoint;
  private final HttpUrl base;
  private final OkHttpClient http;
  private final String path;
  private final BiFunction<String, JsonNode, Trace> decode;

  HttpTraceBackend(TraceBackendEndpoint endpoint, HttpUrl base, OkHttpClient http, String path,
      BiFunction<String, JsonNode, Trace> decode) {
    this.endpoint = endpoint;
    this.base = base;
    this.http = http;
    this.path = path;
    this.decode = decode;
  }

  @Override
  public String describe() {
    return endpoint.kind().name().toLowerCase(Locale.ROOT) + " at " + base;
  }

  @Override
  public Optional<Trace> trace(String traceId) {
    String id = traceId.toLowerCase(Locale.ROOT);
    if (!TRACE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a trace id is 32 hex digits (W3C traceparent's), was '" + traceId + "'");
    }
    HttpUrl url = base.resolve(path + id);
    try (Response response = http.newCall(new Request.Builder().url(url).header("Accept", "application/json")
        .build()).execute()) {
      if (response.code() == 404) {
        return Optional.empty();
      }
      String body = BoundedBodies.readUtf8(response.body(), endpoint.maxResponseBytes());
      if (response.code() != 200) {
        throw new ProbeException(describe() + " answered " + response.code() + " for GET " + url + " (expected 200, "
            + "or 404 for an unknown trace): " + abbreviate(body) + "; check the URL, the kind and the credentials");
      }
      Trace trace = decode.apply(id, JSON.readTree(body));
      return trace.spans().isEmpty() ? Optional.empty() : Optional.of(trace);
    } catch (IOException | IllegalArgumentException e) {
      throw new ProbeException("Could not read trace " + id + " from " + describe() + " (GET " + url + "): "
          + e.getMessage() + "; check that the trace backend is up and its kind is " + endpoint.kind(), e);
    }
  }

  private static String abbreviate(String body) {
    String oneLine = body.replaceAll("\\s+", " ").strip();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }
}
