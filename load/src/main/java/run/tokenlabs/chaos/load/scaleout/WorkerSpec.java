package run.tokenlabs.chaos.load.scaleout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Loop;
import run.tokenlabs.chaos.load.api.Slo;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * The whole load of a scale-out, as one load worker reads it from its arguments (JSON): endpoint,
 * workload, loop, bounds and SLO of the whole, the Job it belongs to and how many workers share it.
 * Each worker takes its own share with {@link #shareOf(int, Optional)}. It holds no secret: the bearer
 * token, if any, is read from the environment variable {@code bearerTokenEnv}, which the Job fills from
 * a Secret.
 *
 * @param concurrency a closed loop's sessions (0 for an open loop)
 * @param rate an open loop's arrivals per second (0 for a closed loop)
 * @param barrierTimeoutMillis how long a worker waits for the start instant before it gives up
 */
record WorkerSpec(String job, String namespace, int workers, String baseUrl, String model, ApiFlavor api,
                  boolean ignoreEos, boolean includeUsage, String bearerTokenEnv, List<BucketSpec> buckets, long seed,
                  int sharedPrefixTokens, int concurrency, double rate, Arrivals.Process process, double burstiness,
                  long rampUpMillis, long arrivalSeed, long durationMillis, long maxRequests, long requestTimeoutMillis,
                  long maxDispatchDelayMillis, long maxEventBytes, SloSpec slo, long barrierTimeoutMillis) {

  /** The environment variable a worker reads the endpoint's bearer token from. */
  static final String BEARER_TOKEN_ENV = "TOKENLABS_LOAD_BEARER_TOKEN";

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** A bucket of the workload, as JSON carries it. */
  record BucketSpec(String name, int promptTokens, int maxTokens, double weight, Long slowReaderPaceMillis) {
  }

  /** The load's SLO, as JSON carries it. */
  record SloSpec(long ttftMillis, long tpotMillis, long e2eMillis, Slo.TtftBasis basis) {
  }

  /**
   * The spec of {@code spec} for {@code workers} workers of Job {@code job}.
   *
   * @throws IllegalArgumentException for a load a worker cannot take a share of, naming why
   */
  static WorkerSpec of(LoadSpec spec, String job, String namespace, int workers, Duration barrierTimeout) {
    check(spec, workers);
    Endpoint e = spec.endpoint();
    Workload w = spec.workload();
    Bounds b = spec.bounds();
    List<BucketSpec> buckets = w.buckets().stream().map(k -> new BucketSpec(k.name(), k.promptTokens(), k.maxTokens(),
        k.weight(), k.slowReaderPace().map(Duration::toMillis).orElse(null))).toList();
    SloSpec slo = spec.slo().map(s -> new SloSpec(s.ttft().toMillis(), s.tpot().toMillis(), s.e2e().toMillis(),
        s.ttftBasis())).orElse(null);
    int concurrency = spec.loop() instanceof Loop.Closed c ? c.concurrency() : 0;
    Arrivals arrivals = spec.loop() instanceof Loop.Open o ? o.arrivals() : null;
    return new WorkerSpec(job, namespace, workers, e.baseUrl().toString(), e.model(), e.api(), e.ignoreEos(),
        e.includeUsage(), e.bearerToken().isPresent() ? BEARER_TOKEN_ENV : null, buckets, w.seed(),
        w.sharedPrefixTokens(), concurrency, arrivals == null ? 0 : arrivals.ratePerSecond(),
        arrivals == null ? null : arrivals.process(), arrivals == null ? 1.0 : arrivals.burstiness(),
        arrivals == null ? 0 : arrivals.rampUp().toMillis(), arrivals == null ? 0 : arrivals.seed(),
        b.duration().toMillis(), b.maxRequests(), b.requestTimeout().toMillis(), b.maxDispatchDelay().toMillis(),
        b.maxEventBytes(), slo, barrierTimeout.toMillis());
  }

  /** Refuses a load that cannot be split over {@code workers}, saying why and what to change. */
  static void check(LoadSpec spec, int workers) {
    if (spec.loop() instanceof Loop.Replay) {
      throw new IllegalArgumentException("A replayed trace cannot be split over load workers (each request has its "
          + "own time and lengths); run it on one client with LoadSpec.run(), or give an open or closed loop");
    }
    if (spec.workload().conversation().isPresent()) {
      throw new IllegalArgumentException("A conversation workload cannot be split over load workers yet; run it on "
          + "one client with LoadSpec.run()");
    }
    if (spec.loop() instanceof Loop.Closed c && c.concurrency() < workers) {
      throw new IllegalArgumentException("A closed loop of " + c.concurrency() + " sessions cannot be split over "
          + workers + " workers (each needs at least one session); give at most " + c.concurrency() + " workers");
    }
    if (spec.bounds().maxRequests() < workers) {
      throw new IllegalArgumentException("A bound of " + spec.bounds().maxRequests() + " requests cannot be split "
          + "over " + workers + " workers (each needs at least one); give at most " + spec.bounds().maxRequests()
          + " workers or a higher bound");
    }
  }

  /**
   * Worker {@code index}'s share: its part of the sessions (or rate) and of the request bound, with the
   * whole's duration, timeouts, workload and SLO, and seeds of its own.
   *
   * @param bearerToken the token read from {@link #bearerTokenEnv()}, when the endpoint needs one
   */
  LoadSpec shareOf(int index, Optional<Secret> bearerToken) {
    Endpoint endpoint = new Endpoint(URI.create(baseUrl), model, api, Optional.empty(), ignoreEos, includeUsage);
    if (bearerTokenEnv != null) {
      endpoint = endpoint.withBearerToken(bearerToken.orElseThrow(() -> new IllegalStateException("The endpoint "
          + "needs a bearer token, but environment variable " + bearerTokenEnv + " is not set; the Job sets it from "
          + "the Secret given to JobWorkers.withBearerTokenFrom")));
    }
    LoadSpec share = concurrency > 0
        ? Load.closedLoop(endpoint, (int) Shares.of(concurrency, workers, index))
        : Load.openLoop(endpoint, new Arrivals(process, Shares.ofRate(rate, workers, index), burstiness,
            Duration.ofMillis(rampUpMillis), Shares.seed(arrivalSeed, index)));
    Workload workload = new Workload(buckets.stream().map(WorkerSpec::bucket).toList(), Shares.seed(seed, index),
        sharedPrefixTokens, Optional.empty());
    share = share.withWorkload(workload).withBounds(new Bounds(Duration.ofMillis(durationMillis),
        Shares.of(maxRequests, workers, index), Duration.ofMillis(requestTimeoutMillis),
        Duration.ofMillis(maxDispatchDelayMillis), maxEventBytes));
    return slo == null ? share : share.withSlo(new Slo(Duration.ofMillis(slo.ttftMillis()),
        Duration.ofMillis(slo.tpotMillis()), Duration.ofMillis(slo.e2eMillis()), slo.basis()));
  }

  private static Bucket bucket(BucketSpec b) {
    Bucket bucket = new Bucket(b.name(), b.promptTokens(), b.maxTokens(), b.weight(), Optional.empty());
    return b.slowReaderPaceMillis() == null ? bucket : bucket.withSlowReader(Duration.ofMillis(b.slowReaderPaceMillis()));
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write worker spec as JSON: " + e.getMessage(), e);
    }
  }

  static WorkerSpec fromJson(String json) {
    try {
      return JSON.readValue(json, WorkerSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The worker spec is not the JSON a coordinator of this version writes ("
          + e.getOriginalMessage() + "); run workers from the same image as the coordinator", e);
    }
  }
}
