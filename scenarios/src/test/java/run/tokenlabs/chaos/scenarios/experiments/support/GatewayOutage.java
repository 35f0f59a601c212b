package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;

/**
 * An open-loop load on one model through the gateway across its pod's force-delete, and what the
 * load's ledger and the gateway's Envoy counters say about the outage: requests once the Service had
 * no ready endpoint must all be answered 5xx ({@link OutageLedger}), and the gateway's own 5xx ratio is
 * reported beside it. One instance per experiment run; its steps in order: {@link #load()} (injected),
 * {@link #awaitServedBeforeFault()}, {@link #markFault()}, {@link #awaitNoReadyEndpoint},
 * {@link #recordRatios()}.
 */
public final class GatewayOutage {
  /** How the key number of the ledger's outage 5xx ratio begins; the model follows. */
  public static final String OUTAGE_5XX_RATIO = "5xx ratio: ";
  private static final Duration POLL = Duration.ofMillis(250);

  private final Chaos chaos;
  private final PrometheusProbes prometheus;
  private final String model;
  private final double ratePerSecond;
  private final Duration scrape;
  private final Duration duration;
  private final BackgroundLoad load;
  private final double served2xxBefore;
  private AlertTimeline timeline;
  private long faultAtNanos;
  private long outageFromNanos;
  private String fault = "force-deleted";

  /**
   * A load of {@code ratePerSecond} on {@code model} for 12 s plus three scrapes (so Prometheus sees it),
   * not started yet; the gateway's 2xx count is read now, to see the load served before the fault.
   */
  public GatewayOutage(Chaos chaos, PrometheusProbes prometheus, String model, double ratePerSecond, Duration scrape) {
    this.chaos = chaos;
    this.prometheus = prometheus;
    this.model = model;
    this.ratePerSecond = ratePerSecond;
    this.scrape = scrape;
    this.duration = Duration.ofSeconds(12).plus(scrape.multipliedBy(3));
    this.load = BackgroundLoad.of(model + " through the gateway", Load.openLoop(
            GatewayStreams.completions(chaos.target(), model), Arrivals.constant(ratePerSecond))
        .withWorkload(Bucket.of("short", 16, 4))
        .withBounds(new Bounds(duration, (long) (ratePerSecond * duration.toSeconds()), Duration.ofSeconds(5)))
        .withProgress(Progress.none()));
    this.served2xxBefore = Gateway.counter(prometheus, served2xx());
  }

  /** What happened to the model, for the chart's title ("force-deleted" unless said otherwise). */
  public GatewayOutage fault(String whatHappened) {
    this.fault = whatHappened;
    return this;
  }

  /** The load, to inject as a fault (its rollback stops it). */
  public BackgroundLoad load() {
    return load;
  }

  /** The load is served through the gateway before the fault: its 2xx counter in Prometheus has grown. */
  public void awaitServedBeforeFault() {
    Awaiting.reading("the background load's 2xx counted by the gateway in Prometheus before the fault",
            () -> Gateway.counter(prometheus, served2xx()) - served2xxBefore)
        .atMost(scrape.multipliedBy(3).plusSeconds(5)).pollEvery(POLL)
        .until(served -> served >= ratePerSecond);
  }

  /** The fault acts now; returns the instant, which the alert bounds count from. */
  public Instant markFault() {
    faultAtNanos = System.nanoTime();
    Instant at = Instant.now();
    timeline = new AlertTimeline(at);
    return at;
  }

  /** When the fault's alerts fired and the series vanished, charted with the load's ledger by {@link #recordRatios}. */
  public AlertTimeline timeline() {
    if (timeline == null) {
      throw new IllegalStateException("No fault marked yet: call markFault() when the fault acts, then read the timeline");
    }
    return timeline;
  }

  /**
   * Waits until the model's Service has no ready address; the outage phase of the ledger starts 1 s
   * later (the gateway's endpoint view follows the Endpoints watch).
   */
  public void awaitNoReadyEndpoint(Probes probes, String namespace) {
    var ready = probes.kubernetes().readyEndpointAddresses(namespace, model);
    Awaiting.reading("Service " + namespace + "/" + model + " has no ready endpoint address",
            () -> ready.readNow().value().orElse(0))
        .atMost(Duration.ofSeconds(20)).pollEvery(Duration.ofMillis(100))
        .until(addresses -> addresses == 0);
    outageFromNanos = System.nanoTime() + Duration.ofSeconds(1).toNanos();
  }

  /**
   * The burn alert was already pending or firing before the fault (5xx of earlier experiments of the
   * run are still in its 1h window), so its time to fire cannot be measured; what this fault drives,
   * the 5m window's 5xx ratio, must be above the threshold.
   */
  public void burnAlreadyActive(String burnAlert, AlertState before) {
    String shortWindow = Gateway.gateway5xxRatio("rate", "5m");
    double ratio = prometheus.instant(shortWindow).readNow().value().orElse(Double.NaN);
    chaos.record(burnAlreadyActive(burnAlert, before, ratio,
        PromEvidence.describe(shortWindow, prometheus.client().query(shortWindow))));
    assertThat(ratio).as("5m gateway 5xx ratio after the fault, threshold %s", Gateway.BURN_THRESHOLD)
        .isGreaterThan(Gateway.BURN_THRESHOLD);
    assertThat(prometheus.alert(burnAlert).state().readNow().value()).as("%s state", burnAlert)
        .contains(AlertState.FIRING);
  }

  /** 100% 5xx for the model through the gateway once it had no endpoint: from the load's ledger and Envoy's stats. */
  public void recordRatios() {
    LoadResult result = load.awaitResult(duration.plus(Duration.ofSeconds(30)));
    if (timeline != null) {
      timeline.chart(model + " " + fault).record(chaos);
    }
    ChartEvidence.ledger("open loop to " + model + " through the gateway", result).record(chaos);
    OutageLedger ledger = OutageLedger.split(result, faultAtNanos, outageFromNanos);
    long windowSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageFromNanos));
    String gatewayRatio = Gateway.gateway5xxRatio("increase", windowSeconds + "s");
    double prometheusRatio = prometheus.instant(gatewayRatio).readNow().value().orElse(Double.NaN);
    chaos.evidence("background load through the gateway", result + "\n" + ledger.describe()
        + "outage phase starts 1 s after the Service had no ready endpoint (the gateway's endpoint view follows "
        + "the Endpoints watch)\n" + PromEvidence.describe(gatewayRatio, prometheus.client().query(gatewayRatio))
        + "(gateway-wide: includes the blast-radius guard's requests, about 1/s)");
    chaos.record(new KeyNumber(OUTAGE_5XX_RATIO + model + " through the gateway during the outage",
        100 * ledger.outage5xxRatio(), "%", "load ledger, n=" + ledger.outage().size() + " requests sent from 1 s "
        + "after the Service lost its last ready endpoint; open loop " + (long) ratePerSecond + "/s"));
    chaos.record(new KeyNumber(OUTAGE_5XX_RATIO + "gateway-wide in Prometheus during the outage",
        100 * prometheusRatio, "%", "Envoy downstream 5xx / all over the last " + windowSeconds + " s (scrape "
        + scrape.toMillis() / 1000.0 + " s)"));
    assertThat(result.ledger().balanced()).as("every request of the load accounted for: %s", result.ledger()).isTrue();
    assertThat(ledger.before()).as("requests served before the fault: %s", ledger.describe())
        .anyMatch(r -> r.httpStatus() == 200);
    assertThat(ledger.outage()).as("requests sent during the outage: %s", ledger.describe()).hasSizeGreaterThan(10);
    assertThat(ledger.outage5xxRatio()).as("5xx ratio of %s through the gateway during the outage: %s", model,
        ledger.describe()).isEqualTo(1.0);
  }

  static Finding burnAlreadyActive(String burnAlert, AlertState before, double ratio, String evidence) {
    return new Finding(burnAlert + " already " + before + " before the fault", "The gateway burn alert was " + before
        + " before the force-delete: 5xx of earlier experiments of this run are still in its 1h window, so its "
        + "time to fire is not measured; the 5m window's 5xx ratio after the fault is " + ratio, evidence);
  }

  private static String served2xx() {
    return "sum(" + Gateway.downstream("2") + ")";
  }
}
