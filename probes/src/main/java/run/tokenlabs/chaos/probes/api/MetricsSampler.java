package run.tokenlabs.chaos.probes.api;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.probes.exposition.ExpositionParser;
import run.tokenlabs.chaos.probes.exposition.SeriesIds;

/**
 * Scrapes a set of {@code /metrics} endpoints in the background, ten times a second or more, and
 * keeps peak, minimum and mean per series and per phase: the KV-cache peaks a 15 s Prometheus
 * scrape misses.
 *
 * <p>Memory is bounded: constant per (series, phase), and at most {@code maxSeries} series; series
 * beyond are counted in {@link #droppedSeries()}, not kept. A scrape that fails opens a
 * {@link SamplerGap} for its target and records no value at all, never a zero. Only the sample
 * names asked for are parsed beyond their name.
 *
 * <p>Thread-safe. One scheduler thread per target (up to four); close it to stop them.
 */
public final class MetricsSampler implements AutoCloseable {
  private final Map<String, URI> targets;
  private final Set<String> metrics;
  private final Duration interval;
  private final Duration scrapeTimeout;
  private final int maxSeries;
  private final Clock clock;
  private final OkHttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Map<String, SeriesAccumulator> accumulators = new ConcurrentHashMap<>();
  private final Set<String> seriesSeen = ConcurrentHashMap.newKeySet();
  private final Map<String, List<SamplerGap>> gaps = new ConcurrentHashMap<>();
  private final List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile String phase;

  private MetricsSampler(Builder b) {
    this.targets = Map.copyOf(b.targets);
    this.metrics = Set.copyOf(b.metrics);
    this.interval = b.interval;
    this.scrapeTimeout = b.scrapeTimeout;
    this.maxSeries = b.maxSeries;
    this.clock = b.clock;
    this.http = Scrapes.client();
    this.phase = b.firstPhase;
    this.phases.add(b.firstPhase);
    AtomicInteger threadNumber = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(Math.min(Math.max(targets.size(), 1), 4), r -> {
      Thread thread = new Thread(r, "metrics-sampler-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A builder; add targets and the sample names to record, then {@link Builder#start()}. */
  public static Builder builder() {
    return new Builder();
  }

  private MetricsSampler start() {
    targets.forEach((name, uri) -> scheduler.scheduleAtFixedRate(() -> scrape(name, uri), 0,
        interval.toNanos(), TimeUnit.NANOSECONDS));
    return this;
  }

  /** Starts a new phase now (e.g. {@code fault}, {@code recovery}); later samples count there. */
  public void phase(String name) {
    Objects.requireNonNull(name, "name");
    if (!phases.contains(name)) {
      phases.add(name);
    }
    phase = name;
  }

  /** The phases in the order they were started. */
  public List<String> phases() {
    return List.copyOf(phases);
  }

  /** Every series in every phase, by target, series and phase order. */
  public List<SeriesStats> stats() {
    List<SeriesStats> all = new ArrayList<>();
    accumulators.values().forEach(a -> all.add(a.snapshot()));
    all.sort(Comparator.comparing(SeriesStats::target).thenComparing(SeriesStats::series)
        .thenComparing(s -> phases.indexOf(s.phase())));
    return all;
  }

  /** The stats of the series of sample name {@code metric} in {@code phase}, keyed by {@code target series}. */
  public Map<String, SeriesStats> stats(String metric, String phase) {
    Map<String, SeriesStats> result = new LinkedHashMap<>();
    for (SeriesStats s : stats()) {
      if (s.phase().equals(phase) && (s.series().equals(metric) || s.series().startsWith(metric + "{"))) {
        result.put(s.target() + " " + s.series(), s);
      }
    }
    return result;
  }

  /** The peak of {@code metric} over all its series and targets in {@code phase}; empty when never sampled. */
  public Optional<SeriesStats> peak(String metric, String phase) {
    return stats(metric, phase).values().stream().filter(s -> !Double.isNaN(s.max()))
        .max(Comparator.comparingDouble(SeriesStats::max));
  }

  /** The stretches in which targets could not be scraped, oldest first. */
  public List<SamplerGap> gaps() {
    List<SamplerGap> all = new ArrayList<>();
    gaps.values().forEach(list -> {
      synchronized (list) {
        all.addAll(list);
      }
    });
    all.sort(Comparator.comparing(SamplerGap::from));
    return all;
  }

  /** Scrapes attempted so far, over all targets. */
  public long scrapes() {
    return scrapes.get();
  }

  /** Scrapes that failed so far. */
  public long failedScrapes() {
    return failures.get();
  }

  /** Series not recorded because {@code maxSeries} was reached. */
  public long droppedSeries() {
    return dropped.get();
  }

  /** Stops scraping and waits briefly for the scrapes in flight. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(scrapeTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scrape(String target, URI uri) {
    scrapes.incrementAndGet();
    String scrapePhase = phase; // a scrape counts in the phase it started in
    try {
      String text = Scrapes.fetch(http, uri, scrapeTimeout);
      Instant at = clock.instant();
      ExpositionParser.scan(text, metrics::contains,
          (name, labels, value) -> record(target, scrapePhase, at, name, labels, value));
    } catch (Exception e) {
      failures.incrementAndGet();
      openGap(target, e);
      return;
    }
    closeGap(target);
  }

  private void record(String target, String currentPhase, Instant now, String name, Map<String, String> labels,
                      double value) {
    String series = SeriesIds.of(name, labels);
    String seriesKey = target + " " + series;
    if (!seriesSeen.contains(seriesKey)) {
      if (seriesSeen.size() >= maxSeries) {
        dropped.incrementAndGet();
        return;
      }
      seriesSeen.add(seriesKey);
    }
    accumulators.computeIfAbsent(seriesKey + "\u0000" + currentPhase,
        k -> new SeriesAccumulator(target, series, currentPhase)).add(value, now);
  }

  private void openGap(String target, Exception failure) {
    List<SamplerGap> list = gaps.computeIfAbsent(target, t -> new ArrayList<>());
    synchronized (list) {
      SamplerGap open = list.isEmpty() ? null : list.get(list.size() - 1);
      if (open != null && open.to().isEmpty()) {
        list.set(list.size() - 1, new SamplerGap(target, open.from(), Optional.empty(), open.failures() + 1, open.reason()));
      } else {
        list.add(new SamplerGap(target, clock.instant(), Optional.empty(), 1,
            failure.getClass().getSimpleName() + ": " + failure.getMessage()));
      }
    }
  }

  private void closeGap(String target) {
    List<SamplerGap> list = gaps.get(target);
    if (list == null) {
      return;
    }
    synchronized (list) {
      SamplerGap open = list.get(list.size() - 1);
      if (open.to().isEmpty()) {
        list.set(list.size() - 1, new SamplerGap(target, open.from(), Optional.of(clock.instant()), open.failures(),
            open.reason()));
      }
    }
  }

  /** Options of a sampler; every setter returns this builder. */
  public static final class Builder {
    private final Map<String, URI> targets = new LinkedHashMap<>();
    private final Set<String> metrics = new java.util.LinkedHashSet<>();
    private Duration interval = Duration.ofMillis(100);
    private Duration scrapeTimeout = Duration.ofSeconds(1);
    private int maxSeries = 10_000;
    private Clock clock = Clock.systemUTC();
    private String firstPhase = "baseline";

    private Builder() {
    }

    /** A {@code /metrics} URL to scrape, under a name used in stats and gaps. */
    public Builder target(String name, URI metricsUrl) {
      targets.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(metricsUrl, "metricsUrl"));
      return this;
    }

    /** Sample names to record, exactly as exposed (e.g. {@code vllm:kv_cache_usage_perc}). */
    public Builder metrics(String... sampleNames) {
      metrics.addAll(List.of(sampleNames));
      return this;
    }

    /** Time between scrapes of one target; 100 ms (10 Hz) by default. */
    public Builder interval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, was " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** The longest one scrape may take before it counts as failed (a gap); 1 s by default. */
    public Builder scrapeTimeout(Duration timeout) {
      this.scrapeTimeout = timeout;
      return this;
    }

    /** The most series kept (memory bound); 10 000 by default. */
    public Builder maxSeries(int maxSeries) {
      this.maxSeries = maxSeries;
      return this;
    }

    /** The name of the phase the sampler starts in; {@code baseline} by default. */
    public Builder firstPhase(String phase) {
      this.firstPhase = Objects.requireNonNull(phase, "phase");
      return this;
    }

    /** The clock that stamps samples and gaps. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Starts scraping in the background. */
    public MetricsSampler start() {
      if (targets.isEmpty()) {
        throw new IllegalStateException("MetricsSampler has no target; add target(name, metricsUrl)");
      }
      if (metrics.isEmpty()) {
        throw new IllegalStateException("MetricsSampler records nothing; add metrics(\"vllm:kv_cache_usage_perc\", ...)");
      }
      return new MetricsSampler(this).start();
    }
  }
}
