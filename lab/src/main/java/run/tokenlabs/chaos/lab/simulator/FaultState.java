package run.tokenlabs.chaos.lab.simulator;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The faults armed on one model (shared by all its pods, so a replacement pod inherits them until
 * {@link #clear()}): cut streams after N tokens, reset connections, stall the engine, answer 5xx at a
 * rate, slow every step down. Thread-safe; read by the HTTP handlers and the step loop.
 */
public final class FaultState {
  private volatile int cutAfterTokens = -1;
  private volatile double resetRate;
  private volatile double errorRate;
  private volatile int errorStatus = 500;
  private volatile double stepSlowdown = 1.0;
  private volatile long stalledUntilNanos;

  /** Streams end cleanly after {@code tokens} tokens, with no finish_reason, usage or {@code [DONE]}. */
  public void cutStreamsAfter(int tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("cut after tokens must be >= 0, saw " + tokens);
    }
    cutAfterTokens = tokens;
  }

  /** This share of requests (0..1) has its connection reset before any response byte. */
  public void resetConnections(double rate) {
    resetRate = checkRate(rate);
  }

  /** This share of requests (0..1) gets {@code status} (5xx) with an OpenAI-style error body. */
  public void failRequests(double rate, int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("error status must be 5xx, saw " + status);
    }
    errorRate = checkRate(rate);
    errorStatus = status;
  }

  /** The engine computes nothing for {@code duration}: streams freeze, health still answers. */
  public void stall(Duration duration) {
    stalledUntilNanos = System.nanoTime() + duration.toNanos();
  }

  /** Every step takes {@code factor} times as long (>= 1). */
  public void slowSteps(double factor) {
    if (factor < 1.0) {
      throw new IllegalArgumentException("slowdown factor must be >= 1, saw " + factor);
    }
    stepSlowdown = factor;
  }

  public void clear() {
    cutAfterTokens = -1;
    resetRate = 0;
    errorRate = 0;
    errorStatus = 500;
    stepSlowdown = 1.0;
    stalledUntilNanos = 0;
  }

  public int cutAfterTokens() {
    return cutAfterTokens;
  }

  public boolean drawReset() {
    return resetRate > 0 && ThreadLocalRandom.current().nextDouble() < resetRate;
  }

  /** The status to fail this request with, or 0 to serve it. */
  public int drawError() {
    return errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate ? errorStatus : 0;
  }

  public double stepSlowdown() {
    return stepSlowdown;
  }

  public long stalledUntilNanos() {
    return stalledUntilNanos;
  }

  /** A snapshot for the admin endpoint. */
  public String describe() {
    return "{\"cutAfterTokens\":" + cutAfterTokens + ",\"resetRate\":" + resetRate + ",\"errorRate\":" + errorRate
        + ",\"errorStatus\":" + errorStatus + ",\"stepSlowdown\":" + stepSlowdown + ",\"stalledForMillis\":"
        + Math.max(0, (stalledUntilNanos - System.nanoTime()) / 1_000_000) + "}";
  }

  private static double checkRate(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate must be within 0..1, saw " + rate);
    }
    return rate;
  }
}
