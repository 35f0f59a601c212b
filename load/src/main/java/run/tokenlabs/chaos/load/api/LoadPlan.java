package run.tokenlabs.chaos.load.api;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a {@link LoadSpec} will send, in one sentence: the plan a dry run journals instead of
 * sending (endpoint, pacing, workload, bounds). Never names a secret: the endpoint's token stays
 * masked.
 */
final class LoadPlan {
  private LoadPlan() {
  }

  static String of(LoadSpec spec) {
    Endpoint endpoint = spec.endpoint();
    Bounds bounds = spec.bounds();
    return "send a load to " + endpoint.baseUrl() + endpoint.api().path() + " (model " + endpoint.model()
        + (endpoint.bearerToken().isPresent() ? ", bearer ****" : "") + "): " + pacing(spec.loop())
        + ", workload " + spec.workload().buckets().stream()
            .map(b -> b.name() + " (" + b.promptTokens() + " prompt tokens, max " + b.maxTokens() + ")")
            .collect(Collectors.joining(", "))
        + ", at most " + bounds.maxRequests() + (bounds.maxRequests() == 1 ? " request in " : " requests in ")
        + seconds(bounds.duration().toMillis())
        + " s, each request at most " + seconds(bounds.requestTimeout().toMillis()) + " s";
  }

  private static String pacing(Loop loop) {
    if (loop instanceof Loop.Closed closed) {
      return "closed loop of " + closed.concurrency() + (closed.concurrency() == 1 ? " session" : " sessions");
    }
    if (loop instanceof Loop.Replay replay) {
      return "replay of " + replay.trace();
    }
    Arrivals arrivals = ((Loop.Open) loop).arrivals();
    return "open loop, " + arrivals.process().name().toLowerCase(Locale.ROOT) + " arrivals at "
        + String.format(Locale.ROOT, "%.3g", arrivals.ratePerSecond()) + " requests/s";
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }
}
