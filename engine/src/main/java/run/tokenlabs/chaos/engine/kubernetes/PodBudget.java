package run.tokenlabs.chaos.engine.kubernetes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How many distinct pods one run has deleted, evicted or replaced by a rollout, against {@code kubernetes.maxPodsPerRun}.
 * A pod is counted once however often its deletion is sent (fabric8 retries resend it). Thread-safe.
 */
final class PodBudget {
  private final int max;
  private final Set<String> disrupted = new LinkedHashSet<>();

  PodBudget(int max) {
    this.max = max;
  }

  /**
   * Counts {@code namespace/name}, or returns why it may not be: the problem for the refusal message.
   */
  synchronized Optional<String> take(String namespace, String name) {
    String pod = namespace + "/" + name;
    if (disrupted.contains(pod)) {
      return Optional.empty();
    }
    if (disrupted.size() >= max) {
      return Optional.of("it would disturb pod " + pod + ", and this run has already disturbed " + disrupted.size()
          + " pods " + disrupted + ", the most kubernetes.maxPodsPerRun (" + max + ") allows; raise "
          + "kubernetes.maxPodsPerRun if the run is meant to disturb more");
    }
    disrupted.add(pod);
    return Optional.empty();
  }

  /**
   * Counts all of {@code names} in {@code namespace}, or none of them and returns why not: a rollout
   * replaces them all, so it is allowed only if the whole of it fits.
   */
  synchronized Optional<String> takeAll(String namespace, List<String> names) {
    Set<String> wanted = new LinkedHashSet<>();
    names.forEach(n -> wanted.add(namespace + "/" + n));
    wanted.removeAll(disrupted);
    if (disrupted.size() + wanted.size() > max) {
      return Optional.of("it would replace " + names.size() + " pods " + names + " in '" + namespace + "', " + wanted.size()
          + " of them not yet counted, and this run has already disturbed " + disrupted.size() + " pods, so "
          + (disrupted.size() + wanted.size()) + " would exceed kubernetes.maxPodsPerRun (" + max + "); raise "
          + "kubernetes.maxPodsPerRun if the run is meant to disturb them all");
    }
    disrupted.addAll(wanted);
    return Optional.empty();
  }

  int max() {
    return max;
  }
}
