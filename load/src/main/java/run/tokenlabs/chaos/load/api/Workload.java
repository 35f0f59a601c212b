package run.tokenlabs.chaos.load.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The mix of {@link Bucket}s a load draws its requests from, by weight, with a seed for the draw and
 * for the prompt text. Prompts are built once per bucket and shared by all its requests; each request
 * gets a unique numbered first line so that prefix caching cannot serve one request from another,
 * except for a shared system prompt of {@code sharedPrefixTokens} tokens (0: none) that every request
 * starts with, as the requests of one application do ({@link #withSharedPrefix(int)}).
 *
 * <p>With a {@link Conversation}, each closed-loop session runs multi-turn conversations instead, one
 * bucket per turn ({@link #conversation(Conversation)}).
 */
public record Workload(List<Bucket> buckets, long seed, int sharedPrefixTokens, Optional<Conversation> conversation) {

  public Workload {
    buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    Objects.requireNonNull(conversation, "conversation");
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("Workload needs at least one bucket, e.g. Bucket.interactive()");
    }
    var names = new HashSet<String>();
    for (Bucket b : buckets) {
      if (!names.add(b.name())) {
        throw new IllegalArgumentException("Workload bucket names must be unique, '" + b.name() + "' is repeated");
      }
    }
    if (sharedPrefixTokens < 0) {
      throw new IllegalArgumentException("Workload shared prefix must be >= 0 tokens (0 = none), was "
          + sharedPrefixTokens);
    }
  }

  public Workload(List<Bucket> buckets, long seed) {
    this(buckets, seed, 0, Optional.empty());
  }

  public static Workload of(Bucket... buckets) {
    return new Workload(List.of(buckets), 1L);
  }

  /** Multi-turn conversations, one per closed-loop session (see {@link Conversation}). */
  public static Workload conversation(Conversation conversation) {
    return new Workload(conversation.buckets(), 1L, 0, Optional.of(conversation));
  }

  public Workload withSeed(long newSeed) {
    return new Workload(buckets, newSeed, sharedPrefixTokens, conversation);
  }

  /**
   * Every request starts with the same system prompt of about {@code tokens} tokens (chat: a system
   * message; completions: the prompt's first paragraph), before its unique first line: a server with
   * prefix caching computes it once and reuses its KV blocks. {@link PrefixCacheCounters} reads the
   * server's hit rate back.
   */
  public Workload withSharedPrefix(int tokens) {
    return new Workload(buckets, seed, tokens, conversation);
  }
}
