package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one HTTP request. A connection that failed is an outcome too (status 0 and the
 * failure): a gateway that refuses is a state of the system under test, not of the framework.
 *
 * @param status the HTTP status, 0 when no response came
 * @param latency from sending to the end of the body (or to the failure)
 * @param body the body, at most 64 KiB of it
 * @param failure why no response came, if so
 */
public record HttpResult(int status, Duration latency, String body, Optional<String> failure) {
  public HttpResult {
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(failure, "failure");
  }

  @Override
  public String toString() {
    String shown = body.length() <= 80 ? body : body.substring(0, 80) + "...";
    return failure.map(f -> "no response (" + f + ") after " + latency.toMillis() + " ms")
        .orElse("HTTP " + status + " in " + latency.toMillis() + " ms, body '" + shown.strip() + "'");
  }
}
