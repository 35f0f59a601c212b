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
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PrometheusEndpoint(URI url, Optional<Secret> bearerToken, Optional<String> basicUser,
                                 Optional<Secret> basicPassword, Optional<Path> caFile) {
  public PrometheusEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(basicUser, "basicUser");
    Objects.requireNonNull(basicPassword, "basicPassword");
    Objects.requireNonNull(caFile, "caFile");
  }

  /** Prometheus without authentication. */
  public static PrometheusEndpoint unauthenticated(URI url) {
    return new PrometheusEndpoint(url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
