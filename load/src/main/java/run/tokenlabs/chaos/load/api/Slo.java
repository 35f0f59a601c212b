package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Service-level objectives a request must meet all at once to count toward goodput: time to first
 * token, time per output token and end-to-end latency, each measured from the intended start.
 *
 * <p>{@code ttftBasis} says which first token the TTFT objective means: for reasoning models the first
 * chunk is usually {@code reasoning_content}, and the first answer token comes a whole reasoning chain
 * later. Reports must say which one was used.
 */
public record Slo(Duration ttft, Duration tpot, Duration e2e, TtftBasis ttftBasis) {

  /** What "first token" means for the TTFT objective. */
  public enum TtftBasis {
    /** The first chunk with non-empty {@code choices}, as vLLM bench serve and guidellm measure. */
    FIRST_CHUNK,
    /** The first chunk carrying answer text ({@code content} or {@code text}), after any reasoning. */
    FIRST_CONTENT
  }

  public Slo {
    Objects.requireNonNull(ttft, "ttft");
    Objects.requireNonNull(tpot, "tpot");
    Objects.requireNonNull(e2e, "e2e");
    Objects.requireNonNull(ttftBasis, "ttftBasis");
  }

  public static Slo of(Duration ttft, Duration tpot, Duration e2e) {
    return new Slo(ttft, tpot, e2e, TtftBasis.FIRST_CHUNK);
  }

  public Slo onFirstContentToken() {
    return new Slo(ttft, tpot, e2e, TtftBasis.FIRST_CONTENT);
  }
}
