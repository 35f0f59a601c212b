package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Tolerance;

/**
 * A tolerance on an {@link HttpResult}: status, body and latency checks that must all hold, e.g.
 * {@code probe.is(HttpExpectation.status(200).bodyContains("ok").latencyAtMost(Duration.ofMillis(500)))}.
 * Immutable; each method returns a new expectation.
 */
public final class HttpExpectation implements Tolerance<HttpResult> {
  private final List<String> descriptions;
  private final List<Predicate<HttpResult>> checks;

  private HttpExpectation(List<String> descriptions, List<Predicate<HttpResult>> checks) {
    this.descriptions = List.copyOf(descriptions);
    this.checks = List.copyOf(checks);
  }

  /** The response status must be exactly {@code status}. */
  public static HttpExpectation status(int status) {
    return new HttpExpectation(List.of(), List.of()).and("status " + status, r -> r.status() == status);
  }

  /** Any response at all (no connection failure), whatever its status. */
  public static HttpExpectation responds() {
    return new HttpExpectation(List.of(), List.of()).and("a response", r -> r.failure().isEmpty());
  }

  /** The body must contain {@code text}. */
  public HttpExpectation bodyContains(String text) {
    return and("body contains '" + text + "'", r -> r.body().contains(text));
  }

  /** The body must not contain {@code text} (e.g. Envoy's {@code no healthy upstream}). */
  public HttpExpectation bodyDoesNotContain(String text) {
    return and("body without '" + text + "'", r -> !r.body().contains(text));
  }

  /** The latency must be at most {@code limit}. */
  public HttpExpectation latencyAtMost(Duration limit) {
    return and("latency <= " + Progression.human(limit), r -> r.latency().compareTo(limit) <= 0);
  }

  private HttpExpectation and(String description, Predicate<HttpResult> check) {
    List<String> d = new ArrayList<>(descriptions);
    d.add(description);
    List<Predicate<HttpResult>> c = new ArrayList<>(checks);
    c.add(check);
    return new HttpExpectation(d, c);
  }

  @Override
  public String description() {
    return String.join(", ", descriptions);
  }

  @Override
  public boolean accepts(Reading<? extends HttpResult> reading, Reading<? extends HttpResult> baseline) {
    return reading.value().map(r -> checks.stream().allMatch(c -> c.test(r))).orElse(false);
  }

  @Override
  public String toString() {
    return description();
  }
}
