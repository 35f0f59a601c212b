package run.tokenlabs.chaos.probes.api;

import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * The series a PromQL selector returns, watched with instant queries: it is <em>absent</em> (the
 * vector is empty), <em>zero</em> (every series reads 0) or <em>non-zero</em>; and whether
 * Prometheus has scraped it since some instant.
 *
 * <p>Vanishing and dropping to zero are different findings: a force-deleted pod's series vanish,
 * so threshold rules never see a zero. {@code /api/v1/series} is never used to decide absence: it
 * lists series from the index and ignores staleness.
 */
public final class SeriesWatch {
  private final PrometheusClient client;
  private final String promql;
  private final Clock clock;
  private final Duration pollInterval;

  SeriesWatch(PrometheusClient client, String promql, Clock clock, Duration pollInterval) {
    this.client = client;
    this.promql = Objects.requireNonNull(promql, "promql");
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** The samples now; no data when the vector is empty. */
  public Probe<List<Sample>> samples() {
    return Probe.of("promql series: " + promql, () -> {
      List<Sample> samples = vector();
      return samples.isEmpty() ? Reading.noData("no series matches `" + promql + "`") : Reading.of(samples);
    });
  }

  /**
   * Waits until no series matches any more (an empty instant vector).
   *
   * @return how long it took from this call
   * @throws AssertionError when series were still there at the limit, with the states seen
   */
  public Duration shouldVanishWithin(Duration atMost) {
    return awaitState("vanishes", atMost, SeriesWatch.State.ABSENT::equals, "");
  }

  /**
   * Waits until the series are present and every one reads exactly 0. A vanished series does not
   * count: the message then says it vanished instead.
   */
  public Duration shouldDropToZeroWithin(Duration atMost) {
    return awaitState("drops to zero", atMost, SeriesWatch.State.ZERO::equals,
        "; absent is not zero: the series vanished instead of reading 0, so threshold rules on it cannot fire");
  }

  /**
   * Waits until every series of the selector carries a sample scraped at or after {@code after}, so
   * that a query over a window ending at {@code after} sees the window's last scrape.
   *
   * @return the oldest of the series' newest sample times
   * @throws AssertionError when that did not happen within {@code atMost}, with the last reading
   */
  public Instant awaitScrapedAfter(Instant after, Duration atMost) {
    String oldestNewest = "min(timestamp(" + promql + "))";
    return Awaiting.reading("a scrape of `" + promql + "` after " + after, () -> newestScrape(oldestNewest))
        .atMost(atMost).pollEvery(pollInterval)
        .onTimeout("Prometheus has not scraped it since; check its targets")
        .until(scrape -> scrape.at().filter(t -> !t.isBefore(after)).isPresent()).at().orElseThrow();
  }

  private NewestScrape newestScrape(String oldestNewest) {
    if (client.query(oldestNewest) instanceof QueryResult.Vector v && v.samples().size() == 1) {
      return new NewestScrape(promql, Optional.of(Instant.ofEpochMilli((long) (v.samples().get(0).value() * 1000))));
    }
    return new NewestScrape(promql, Optional.empty());
  }

  /** The oldest of the series' newest sample times; empty when no series matches. */
  private record NewestScrape(String promql, Optional<Instant> at) {
    @Override
    public String toString() {
      return at.map(t -> "oldest newest sample at " + t).orElse("no series for `" + promql + "`");
    }
  }

  private Duration awaitState(String what, Duration atMost, Predicate<State> done, String absentHint) {
    Instant start = clock.instant();
    Progression progression = new Progression(clock);
    try {
      await("`" + promql + "` " + what).atMost(atMost).pollDelay(Duration.ZERO)
          .pollInterval(Polling.interval(pollInterval, atMost))
          .until(() -> {
            List<Sample> samples = vector();
            State state = State.of(samples);
            progression.observe(state.toString(), describe(samples));
            return done.test(state);
          });
    } catch (ConditionTimeoutException e) {
      boolean endedAbsent = progression.lastState().equals(State.ABSENT.toString());
      throw new AssertionError("`" + promql + "` did not " + what.replace("vanishes", "vanish").replace("drops", "drop")
          + " within " + Progression.human(atMost) + "; states seen: " + progression
          + (endedAbsent ? absentHint : ""));
    }
    return Duration.between(start, clock.instant());
  }

  private List<Sample> vector() {
    QueryResult result = client.query(promql);
    if (result instanceof QueryResult.Vector vector) {
      return vector.samples();
    }
    throw new ProbeException("`" + promql + "` is not a series selector: Prometheus answered with a "
        + result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "; watch an expression that returns a vector");
  }

  private static String describe(List<Sample> samples) {
    if (samples.isEmpty()) {
      return "";
    }
    double max = samples.stream().mapToDouble(Sample::value).max().orElse(Double.NaN);
    return samples.size() + " series, max " + Readings.format(max);
  }

  private enum State {
    ABSENT, ZERO, NON_ZERO;

    static State of(List<Sample> samples) {
      if (samples.isEmpty()) {
        return ABSENT;
      }
      return samples.stream().allMatch(s -> s.value() == 0.0) ? ZERO : NON_ZERO;
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
