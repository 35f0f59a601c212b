package run.tokenlabs.chaos.probes.traces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
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
 * A trace backend asked over HTTP on its kind's paths: a trace by id (a 404, or an answer with no span,
 * is "no such trace") and the traces of a service in a window; anything else that is not 200 and its
 * API's JSON is an ERROR naming the URL.
 */
final class HttpTraceBackend implements TraceBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private final TraceBackendEndpoint endpoint;
  private final HttpUrl base;
  private final OkHttpClient http;

  HttpTraceBackend(TraceBackendEndpoint endpoint, HttpUrl base, OkHttpClient http) {
    this.endpoint = endpoint;
    this.base = base;
    this.http = http;
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
    String path = switch (endpoint.kind()) {
      case ZIPKIN -> "api/v2/trace/";
      case JAEGER -> "api/traces/";
      case TEMPO -> "api/v2/traces/";
    };
    HttpUrl url = base.resolve(path + id);
    return get(url, "trace " + id, answer -> switch (endpoint.kind()) {
      case ZIPKIN -> TraceDecoding.zipkin(id, answer);
      case JAEGER -> TraceDecoding.jaeger(id, answer);
      case TEMPO -> TraceDecoding.tempo(id, answer);
    }).filter(trace -> !trace.spans().isEmpty());
  }

  @Override
  public List<String> traceIds(String service, Instant from, Instant to, int limit) {
    HttpUrl.Builder url = base.newBuilder();
    switch (endpoint.kind()) {
      case ZIPKIN -> url.addPathSegments("api/v2/traces").addQueryParameter("serviceName", service)
          .addQueryParameter("endTs", String.valueOf(to.toEpochMilli()))
          .addQueryParameter("lookback", String.valueOf(Math.max(1, to.toEpochMilli() - from.toEpochMilli())));
      case JAEGER -> url.addPathSegments("api/traces").addQueryParameter("service", service)
          .addQueryParameter("start", String.valueOf(from.toEpochMilli() * 1000))
          .addQueryParameter("end", String.valueOf(to.toEpochMilli() * 1000));
      case TEMPO -> url.addPathSegments("api/search").addQueryParameter("tags", "service.name=" + service)
          .addQueryParameter("start", String.valueOf(from.getEpochSecond()))
          .addQueryParameter("end", String.valueOf(to.getEpochSecond() + 1));
    }
    HttpUrl search = url.addQueryParameter("limit", String.valueOf(limit)).build();
    return get(search, "traces of service " + service, answer -> TraceDecoding.searchIds(endpoint.kind(), answer))
        .orElse(List.of());
  }

  /** The decoded JSON answer of a GET, empty for a 404; an answer that does not decode is an ERROR too. */
  private <T> Optional<T> get(HttpUrl url, String what, Function<JsonNode, T> decode) {
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
      return Optional.of(decode.apply(JSON.readTree(body)));
    } catch (IOException | IllegalArgumentException e) {
      throw new ProbeException("Could not read " + what + " from " + describe() + " (GET " + url + "): "
          + e.getMessage() + "; check that the trace backend is up and its kind is " + endpoint.kind(), e);
    }
  }

  private static String abbreviate(String body) {
    String oneLine = body.replaceAll("\\s+", " ").strip();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }
}
