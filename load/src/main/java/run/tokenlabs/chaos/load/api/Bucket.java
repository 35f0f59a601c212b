package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One kind of request in a workload: a prompt of {@code promptTokens} tokens, an output of at most
 * {@code maxTokens}, drawn with probability proportional to {@code weight}.
 *
 * <p>A slow reader consumes its stream no faster than one chunk per {@code slowReaderPace}: the server
 * keeps the request (and, where it applies back-pressure, its KV blocks) for longer. This is how a load
 * builds KV-cache pressure on hardware that generates faster than clients read.
 */
public record Bucket(String name, int promptTokens, int maxTokens, double weight, Optional<Duration> slowReaderPace) {

  public Bucket {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(slowReaderPace, "slowReaderPace");
    if (promptTokens < 1) {
      throw new IllegalArgumentException("Bucket '" + name + "' promptTokens must be >= 1, was " + promptTokens);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("Bucket '" + name + "' maxTokens must be >= 1, was " + maxTokens);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("Bucket '" + name + "' weight must be a finite number > 0, was " + weight);
    }
    slowReaderPace.ifPresent(p -> {
      if (p.isNegative() || p.isZero()) {
        throw new IllegalArgumentException("Bucket '" + name + "' slow-reader pace must be > 0, was " + p);
      }
    });
  }

  public static Bucket of(String name, int promptTokens, int maxTokens) {
    return new Bucket(name, promptTokens, maxTokens, 1.0, Optional.empty());
  }

  /** Bucket A, interactive: a short prompt (512 tokens) and a short answer (128 tokens). */
  public static Bucket interactive() {
    return of("A", 512, 128);
  }

  /** Bucket B, batch-light: a 2k-token document and a 512-token answer. */
  public static Bucket batchLight() {
    return of("B", 2048, 512);
  }

  /** Bucket C, long context: a 32k-token (32 768) prompt and a 256-token answer. */
  public static Bucket longContext() {
    return of("C", 32_768, 256);
  }

  public Bucket withWeight(double newWeight) {
    return new Bucket(name, promptTokens, maxTokens, newWeight, slowReaderPace);
  }

  public Bucket withPromptTokens(int tokens) {
    return new Bucket(name, tokens, maxTokens, weight, slowReaderPace);
  }

  public Bucket withMaxTokens(int tokens) {
    return new Bucket(name, promptTokens, tokens, weight, slowReaderPace);
  }

  /** Reads each stream no faster than one chunk per {@code pace}. */
  public Bucket withSlowReader(Duration pace) {
    return new Bucket(name, promptTokens, maxTokens, weight, Optional.of(pace));
  }
}
