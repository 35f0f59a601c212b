package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * How to reach Prometheus: base URL and optional authentication. Secrets print as {@code ****}.
 *
 * @param url base URL, e.g. {@code http://127.0.0.1:9090}
 * @param bearerToken sent as {@code Authorization: Bearer}, if present
 * @param basicUser basic-auth user, if present (with {@code basicPassword})
 * @param basicPassword basic-auth password
 * @param caFile PEM file of a custom CA to trust, if present
 * @param maxResponseBytes the most a client reads of one answer ({@code prometheus.maxResponseBytes});
 *     a larger answer is an ERROR naming the bound, never read whole
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PrometheusEndpoint(URI url, Optional<Secret> bearerToken, Optional<String> basicUser,
                                 Optional<Secret> basicPassword, Optional<Path> caFile, long maxResponseBytes) {
  /** The bound on one answer when none is configured: 32 MiB, far above what a probe's query returns. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L << 20;

  public PrometheusEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(basicUser, "basicUser");
    Objects.requireNonNull(basicPassword, "basicPassword");
    Objects.requireNonNull(caFile, "caFile");
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("Prometheus maxResponseBytes must be >= 1, was " + maxResponseBytes);
    }
  }

  /** An endpoint with the default bound on answers. */
  public PrometheusEndpoint(URI url, Optional<Secret> bearerToken, Optional<String> basicUser,
                            Optional<Secret> basicPassword, Optional<Path> caFile) {
    this(url, bearerToken, basicUser, basicPassword, caFile, DEFAULT_MAX_RESPONSE_BYTES);
  }

  /** Prometheus without authentication. */
  public static PrometheusEndpoint unauthenticated(URI url) {
    return new PrometheusEndpoint(url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The same endpoint with another bound on the bytes of one answer. */
  public PrometheusEndpoint withMaxResponseBytes(long bytes) {
    return new PrometheusEndpoint(url, bearerToken, basicUser, basicPassword, caFile, bytes);
  }
}
