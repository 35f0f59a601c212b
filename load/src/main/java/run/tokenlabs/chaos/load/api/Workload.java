package run.tokenlabs.chaos.load.api;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The mix of {@link Bucket}s a load draws its requests from, by weight, with a seed for the draw and
 * for the prompt text. Prompts are built once per bucket and shared by all its requests; each request
 * gets a unique numbered first line so that prefix caching cannot serve one request from another.
 */
public record Workload(List<Bucket> buckets, long seed) {

  public Workload {
    buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("Workload needs at least one bucket, e.g. Bucket.interactive()");
    }
    var names = new HashSet<String>();
    for (Bucket b : buckets) {
      if (!names.add(b.name())) {
        throw new IllegalArgumentException("Workload bucket names must be unique, '" + b.name() + "' is repeated");
      }
    }
  }

  public static Workload of(Bucket... buckets) {
    return new Workload(List.of(buckets), 1L);
  }

  public Workload withSeed(long newSeed) {
    return new Workload(buckets, newSeed);
  }
}
