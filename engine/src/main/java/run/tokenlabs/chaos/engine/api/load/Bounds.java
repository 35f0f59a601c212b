package run.tokenlabs.chaos.engine.api.load;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every load runs within, always both: no request is scheduled after {@code duration} or
 * beyond {@code maxRequests}. Each request gets {@code requestTimeout} from its intended start, whether
 * it spends it in the client's queue, waiting for headers or streaming; so a run ends, by itself, at
 * the latest {@code duration + requestTimeout} after it began.
 */
public record Bounds(Duration duration, long maxRequests, Duration requestTimeout) {

  public Bounds {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("Load duration must be > 0, was " + duration);
    }
    if (maxRequests < 1) {
      throw new IllegalArgumentException("Load maxRequests must be >= 1, was " + maxRequests);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("Load requestTimeout must be > 0, was " + requestTimeout);
    }
  }

  /** Both limits, with a request timeout of 120 s. */
  public static Bounds of(Duration duration, long maxRequests) {
    return new Bounds(duration, maxRequests, Duration.ofSeconds(120));
  }

  public Bounds withRequestTimeout(Duration timeout) {
    return new Bounds(duration, maxRequests, timeout);
  }
}
