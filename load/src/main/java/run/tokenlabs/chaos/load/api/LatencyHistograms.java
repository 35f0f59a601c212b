package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * HdrHistograms of one set of requests, in microseconds (1 us to 1 h, 3 significant digits), every
 * value measured from the intended start. No {@code recordValueWithExpectedInterval} correction is
 * applied here: in an open loop the intended start already accounts for coordinated omission, and
 * applying both would count the same waiting twice. A closed loop's session issues nothing while it
 * waits, so its corrected figures are given beside these ({@link CoordinatedOmission}).
 *
 * <p>TTFT, time to first content, ITL (every inter-chunk gap), TPOT, chunk interval and E2E come from
 * {@link Outcome#COMPLETE} requests only, as the peers do; dispatch delay from every request that was
 * sent, so client-side queueing shows whatever became of the request. TTFT is also kept per outcome
 * ({@link #ttftMicros(Outcome)}) for every request that produced a first chunk, whatever became of it:
 * a server that never sends usage, or cuts every stream, still shows how fast it answered. TPOT holds
 * only requests whose tokens the server counted ({@link RequestRecord#tpot()}); the interval between
 * text chunks ({@link #chunkIntervalMicros()}) is kept apart, since it is a time per token only when
 * every chunk carries one. {@link #ttftAtDeadlineMicros()} holds every request, those that never got a
 * first token at their deadline. Getters return copies.
 */
public final class LatencyHistograms {
  static final long HIGHEST_MICROS = Duration.ofHours(1).toNanos() / 1_000;

  private final Histogram ttft = newHistogram();
  private final Histogram ttfc = newHistogram();
  private final Histogram itl = newHistogram();
  private final Histogram tpot = newHistogram();
  private final Histogram e2e = newHistogram();
  private final Histogram dispatchDelay = newHistogram();
  private final Histogram chunkInterval = newHistogram();
  private final Histogram ttftAtDeadline = newHistogram();
  private final Histogram cycle = newHistogram();
  private final Map<Outcome, Histogram> ttftByOutcome = new EnumMap<>(Outcome.class);
  private final long deadlineMicros;

  private LatencyHistograms(long deadlineMicros) {
    this.deadlineMicros = deadlineMicros;
  }

  /**
   * Builds the histograms of {@code records} when their deadline is not known: in
   * {@link #ttftAtDeadlineMicros()} a request without a first token counts at the ceiling, 1 h.
   */
  public static LatencyHistograms of(Iterable<RequestRecord> records) {
    return of(records, Duration.ofNanos(HIGHEST_MICROS * 1_000));
  }

  /** Builds the histograms of {@code records}, each request given {@code requestTimeout} from its intended start. */
  public static LatencyHistograms of(Iterable<RequestRecord> records, Duration requestTimeout) {
    var h = empty(requestTimeout);
    for (RequestRecord r : records) {
      h.add(r);
    }
    return h;
  }

  /** Histograms holding nothing yet, filled one record at a time as a run concludes them. */
  static LatencyHistograms empty(Duration requestTimeout) {
    return new LatencyHistograms(Math.min(HIGHEST_MICROS, requestTimeout.toNanos() / 1_000));
  }

  /** Empties every histogram (an interval of a running load starts afresh). */
  void reset() {
    for (Histogram h : new Histogram[] {ttft, ttfc, itl, tpot, e2e, dispatchDelay, chunkInterval, ttftAtDeadline, cycle}) {
      h.reset();
    }
    ttftByOutcome.clear();
  }

  void add(RequestRecord r) {
    r.dispatchDelay().ifPresent(d -> record(dispatchDelay, d));
    recordMicros(cycle, (r.endNanos() - r.intendedStartNanos()) / 1_000);
    r.ttft().ifPresentOrElse(d -> record(ttftAtDeadline, d), () -> recordMicros(ttftAtDeadline, deadlineMicros));
    r.ttft().ifPresent(d -> record(ttftByOutcome.computeIfAbsent(r.outcome(), o -> newHistogram()), d));
    if (r.outcome() != Outcome.COMPLETE) {
      return;
    }
    r.ttft().ifPresent(d -> record(ttft, d));
    r.ttfc().ifPresent(d -> record(ttfc, d));
    r.tpot().ifPresent(d -> record(tpot, d));
    r.chunkInterval().ifPresent(d -> record(chunkInterval, d));
    r.e2e().ifPresent(d -> record(e2e, d));
    r.gaps().stream().forEach(micros -> recordMicros(itl, micros));
  }

  public Histogram ttftMicros() {
    return ttft.copy();
  }

  /** Time to first content token (answer text, after any reasoning). */
  public Histogram ttfcMicros() {
    return ttfc.copy();
  }

  public Histogram itlMicros() {
    return itl.copy();
  }

  public Histogram tpotMicros() {
    return tpot.copy();
  }

  public Histogram e2eMicros() {
    return e2e.copy();
  }

  public Histogram dispatchDelayMicros() {
    return dispatchDelay.copy();
  }

  /**
   * Mean interval between text chunks after the first, per complete request: what a time per output
   * token is computed from when the server gives no token count, and named for what it is.
   */
  public Histogram chunkIntervalMicros() {
    return chunkInterval.copy();
  }

  /**
   * TTFT of every scheduled request, whatever became of it: its TTFT if a first chunk came, else its
   * request timeout (its deadline) if it never got one (refused by the client, failed, timed out). A
   * stall that keeps requests from their first token shows here even when none of them completes, so
   * it cannot drop out of the percentiles while the ledger shows it.
   */
  public Histogram ttftAtDeadlineMicros() {
    return ttftAtDeadline.copy();
  }

  /**
   * From intended start to the client's end with the request, for every request: in a closed loop,
   * the time a session takes per request, the interval at which it issues them.
   */
  public Histogram cycleMicros() {
    return cycle.copy();
  }

  /** TTFT of every request of {@code outcome} that produced a first chunk (empty if none did). */
  public Histogram ttftMicros(Outcome outcome) {
    Histogram h = ttftByOutcome.get(outcome);
    return h == null ? newHistogram() : h.copy();
  }

  /**
   * Every histogram of this set by name, as copies: {@code ttft, ttfc, itl, tpot, e2e, dispatch,
   * chunkInterval, ttftAtDeadline, cycle}, and {@code ttft.<OUTCOME>} for each outcome that produced a
   * first chunk. What a scale-out worker ships to its coordinator; {@link #fromNamed} reads it back.
   */
  public Map<String, Histogram> named() {
    var named = new LinkedHashMap<String, Histogram>();
    NAMES.forEach(name -> named.put(name, byName(name).copy()));
    ttftByOutcome.forEach((outcome, h) -> named.put("ttft." + outcome.name(), h.copy()));
    return named;
  }

  /**
   * The set {@link #named()} gave, for requests that had {@code requestTimeout} each. Every name of
   * {@link #named()} but the per-outcome ones must be present: a set missing one was cut short, and
   * summing it would pass a partial result off as whole.
   */
  public static LatencyHistograms fromNamed(Map<String, Histogram> named, Duration requestTimeout) {
    var h = empty(requestTimeout);
    for (String name : NAMES) {
      Histogram part = named.get(name);
      if (part == null) {
        throw new IllegalArgumentException("Histogram '" + name + "' is missing from the set given (it has "
            + named.keySet() + "); give every histogram LatencyHistograms.named() returns");
      }
      h.byName(name).add(part);
    }
    for (Outcome o : Outcome.values()) {
      Histogram part = named.get("ttft." + o.name());
      if (part != null) {
        h.ttftByOutcome.computeIfAbsent(o, x -> newHistogram()).add(part);
      }
    }
    return h;
  }

  /**
   * The exact union of several sets, as if one client had recorded every request of them all: each
   * histogram is HdrHistogram's {@link Histogram#add} of the parts' (counts per value bucket summed), so
   * every percentile of the sum is the percentile of the union, never an average of percentiles.
   */
  public static LatencyHistograms sum(List<LatencyHistograms> parts, Duration requestTimeout) {
    var total = empty(requestTimeout);
    for (LatencyHistograms part : parts) {
      for (String name : NAMES) {
        total.byName(name).add(part.byName(name));
      }
      part.ttftByOutcome.forEach((o, h) -> total.ttftByOutcome.computeIfAbsent(o, x -> newHistogram()).add(h));
    }
    return total;
  }

  /** The names of {@link #named()} every set has (the per-outcome TTFTs come on top). */
  private static final List<String> NAMES = List.of("ttft", "ttfc", "itl", "tpot", "e2e", "dispatch", "chunkInterval",
      "ttftAtDeadline", "cycle");

  private Histogram byName(String name) {
    return switch (name) {
      case "ttft" -> ttft;
      case "ttfc" -> ttfc;
      case "itl" -> itl;
      case "tpot" -> tpot;
      case "e2e" -> e2e;
      case "dispatch" -> dispatchDelay;
      case "chunkInterval" -> chunkInterval;
      case "ttftAtDeadline" -> ttftAtDeadline;
      case "cycle" -> cycle;
      default -> throw new IllegalArgumentException("No histogram named '" + name + "'");
    };
  }

  /** The value at {@code percentile} (0-100) of {@code histogram}, empty if it holds no value. */
  public static Optional<Duration> percentile(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(histogram.getValueAtPercentile(percentile) * 1_000));
  }

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  private static void record(Histogram h, Duration d) {
    recordMicros(h, d.toNanos() / 1_000);
  }

  private static void recordMicros(Histogram h, long micros) {
    h.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, micros)));
  }
}
