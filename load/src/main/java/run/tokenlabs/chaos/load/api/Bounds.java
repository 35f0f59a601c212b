package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every load runs within, always both: no request is scheduled after {@code duration} or
 * beyond {@code maxRequests}. Each request gets {@code requestTimeout} from its intended start, whether
 * it spends it in the client's queue, waiting for headers or streaming; so a run ends, by itself, at
 * the latest {@code duration + requestTimeout} after it began.
 *
 * <p>{@code maxDispatchDelay} is how late the client may send a request: one still in the client's
 * queue that long after its intended start is {@link Outcome#REJECTED}, because sending it later would
 * apply a different load than the one asked for (and, under a starved pool, each late request would
 * take a slot just before its own deadline and time out, cascading). Default 1 s.
 *
 * <p>{@code maxEventBytes} bounds the memory one streamed answer may take: a Server-Sent Event (all its
 * lines up to the blank line that ends it) longer than this is a protocol error, booked
 * {@link Outcome#MALFORMED} with the bound named, and the client stops reading that stream; whatever
 * this bound, no single line may be longer than 4 MiB. Default {@value #DEFAULT_MAX_EVENT_BYTES} bytes
 * (4 MiB): a model server's chunk is a few hundred bytes.
 */
public record Bounds(Duration duration, long maxRequests, Duration requestTimeout, Duration maxDispatchDelay,
                     long maxEventBytes) {

  /** The per-event bound when none is given: 4 MiB. */
  public static final long DEFAULT_MAX_EVENT_BYTES = 4L << 20;

  public Bounds {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(maxDispatchDelay, "maxDispatchDelay");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("Load duration must be > 0, was " + duration);
    }
    if (maxRequests < 1) {
      throw new IllegalArgumentException("Load maxRequests must be >= 1, was " + maxRequests);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("Load requestTimeout must be > 0, was " + requestTimeout);
    }
    if (maxDispatchDelay.isNegative() || maxDispatchDelay.isZero()) {
      throw new IllegalArgumentException("Load maxDispatchDelay must be > 0, was " + maxDispatchDelay);
    }
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("Load maxEventBytes must be >= 1, was " + maxEventBytes
          + "; give the largest Server-Sent Event a response may carry, e.g. " + DEFAULT_MAX_EVENT_BYTES);
    }
  }

  /** All four limits, with the default per-event bound. */
  public Bounds(Duration duration, long maxRequests, Duration requestTimeout, Duration maxDispatchDelay) {
    this(duration, maxRequests, requestTimeout, maxDispatchDelay, DEFAULT_MAX_EVENT_BYTES);
  }

  /** Both limits and a request timeout; requests may be sent at most 1 s late. */
  public Bounds(Duration duration, long maxRequests, Duration requestTimeout) {
    this(duration, maxRequests, requestTimeout, Duration.ofSeconds(1));
  }

  /** Both limits, with a request timeout of 120 s. */
  public static Bounds of(Duration duration, long maxRequests) {
    return new Bounds(duration, maxRequests, Duration.ofSeconds(120));
  }

  public Bounds withRequestTimeout(Duration timeout) {
    return new Bounds(duration, maxRequests, timeout, maxDispatchDelay, maxEventBytes);
  }

  public Bounds withMaxDispatchDelay(Duration delay) {
    return new Bounds(duration, maxRequests, requestTimeout, delay, maxEventBytes);
  }

  /** The same bounds with another per-event byte bound (see the class description). */
  public Bounds withMaxEventBytes(long bytes) {
    return new Bounds(duration, maxRequests, requestTimeout, maxDispatchDelay, bytes);
  }
}
