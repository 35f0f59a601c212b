package run.tokenlabs.chaos.probes.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * Probes and awaiting helpers over one Prometheus: {@code probes.prometheus().instant("...")},
 * {@code .alert("X").shouldFireWithin(..)}, {@code .series("...").shouldVanishWithin(..)}.
 * Immutable; {@link #pollingEvery(Duration)} returns a copy.
 */
public final class PrometheusProbes {
  private final PrometheusClient client;
  private final Clock clock;
  private final Duration pollInterval;

  private PrometheusProbes(PrometheusClient client, Clock clock, Duration pollInterval) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
  }

  /** Probes over a client, polling once a second while awaiting. */
  public static PrometheusProbes using(PrometheusClient client) {
    return new PrometheusProbes(client, Clock.systemDefaultZone(), Polling.DEFAULT);
  }

  /** A copy that polls at {@code interval} while awaiting (lower it when rules evaluate fast). */
  public PrometheusProbes pollingEvery(Duration interval) {
    return new PrometheusProbes(client, clock, interval);
  }

  /** A copy that stamps progressions with {@code clock}. */
  public PrometheusProbes withClock(Clock clock) {
    return new PrometheusProbes(client, clock, pollInterval);
  }

  /** The typed client, for range queries, targets and anything the probes do not cover. */
  public PrometheusClient client() {
    return client;
  }

  /**
   * The single value of an instant query. An empty vector is no data (never 0); a scalar is its
   * value; more than one series is an error that asks for aggregation, so a hypothesis never
   * silently reads an arbitrary series.
   */
  public Probe<Double> instant(String promql) {
    Objects.requireNonNull(promql, "promql");
    return Probe.of("promql: " + promql, () -> single(promql, client.query(promql)));
  }

  /** All series of an instant query; no data when the vector is empty. */
  public Probe<List<Sample>> vector(String promql) {
    return series(promql).samples();
  }

  /** Watches an alerting rule by name. */
  public AlertWatch alert(String alertName) {
    return new AlertWatch(client, alertName, clock, pollInterval);
  }

  /**
   * Watches several alerting rules at once, each until it fires or its bound has passed since
   * {@code since} (typically the fault). Close the watch when done.
   */
  public FiringWatch watchFiring(Instant since, List<AlertFiringBound> bounds) {
    return new FiringWatch(this, clock, Objects.requireNonNull(since, "since"), List.copyOf(bounds));
  }

  /**
   * The scrape interval this Prometheus really uses, measured from the spacing of its raw {@code up}
   * samples. On a Prometheus that has just started it waits (up to a minute) for a second scrape,
   * then falls back to the configured interval Prometheus reports, then to its 15 s default.
   */
  public Duration scrapeInterval() {
    return ScrapeInterval.of(client, ScrapeInterval.SECOND_SCRAPE_WAIT);
  }

  /** Watches the series of a selector: vanishing versus dropping to zero. */
  public SeriesWatch series(String promql) {
    return new SeriesWatch(client, promql, clock, pollInterval);
  }

  static Reading<Double> single(String promql, QueryResult result) {
    if (result instanceof QueryResult.Scalar scalar) {
      return Reading.of(scalar.value());
    }
    if (result instanceof QueryResult.Vector vector) {
      List<Sample> samples = vector.samples();
      if (samples.isEmpty()) {
        return Reading.noData("empty vector: no series for `" + promql + "` (vanished, or never existed)");
      }
      if (samples.size() > 1) {
        throw new ProbeException("`" + promql + "` returned " + samples.size() + " series ("
            + samples.stream().limit(3).map(s -> s.labels().toString()).collect(Collectors.joining(", "))
            + (samples.size() > 3 ? ", ..." : "") + "); aggregate it (sum, max, ...) so it reads as one value");
      }
      return Reading.of(samples.get(0).value());
    }
    throw new ProbeException("`" + promql + "` returned a "
        + result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "; an instant probe needs a vector or scalar");
  }
}
