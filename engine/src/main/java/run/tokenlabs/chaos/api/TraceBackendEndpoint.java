package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * How to reach the trace backend whose query API a trace probe asks: which kind, its base URL and
 * optional authentication, like {@link PrometheusEndpoint}. Secrets print as {@code ****}.
 *
 * @param kind which query API it speaks
 * @param url base URL, e.g. {@code http://tempo.monitoring.svc:3200}
 * @param bearerToken sent as {@code Authorization: Bearer}, if present
 * @param caFile PEM file of a custom CA to trust, if present
 * @param maxResponseBytes the most a client reads of one answer; a larger answer is an ERROR naming the bound
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TraceBackendEndpoint(Kind kind, URI url, Optional<Secret> bearerToken, Optional<Path> caFile,
                                   long maxResponseBytes) {
  /** The bound on one answer when none is configured: 16 MiB, far above one trace of a request path. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L << 20;

  /** The query APIs a trace probe speaks. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Kind {
    /** Grafana Tempo: {@code GET /api/traces/<id>} (OTLP JSON), {@code /api/v2/traces/<id>}. */
    TEMPO,
    /** Jaeger query: {@code GET /api/traces/<id>}. */
    JAEGER,
    /** Zipkin: {@code GET /api/v2/trace/<id>}. */
    ZIPKIN
  }

  public TraceBackendEndpoint {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(caFile, "caFile");
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("trace backend maxResponseBytes must be >= 1, was " + maxResponseBytes);
    }
  }

  /** A backend without authentication and with the default bound on answers. */
  public static TraceBackendEndpoint unauthenticated(Kind kind, URI url) {
    return new TraceBackendEndpoint(kind, url, Optional.empty(), Optional.empty(), DEFAULT_MAX_RESPONSE_BYTES);
  }
}
