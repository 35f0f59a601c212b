package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;

/**
 * The query API of a trace backend (Grafana Tempo, Jaeger, Zipkin) behind one question: what does it
 * hold under a trace id. Built from the target's {@link TraceBackendEndpoint} by
 * {@link Probes#traces()}.
 */
public interface TraceBackend {

  /** Which backend at which URL, for evidence, e.g. {@code zipkin at http://127.0.0.1:9411}. */
  String describe();

  /**
   * The trace stored under {@code traceId} (32 hex digits), or empty when the backend has none: spans
   * that never reached it, or not yet.
   *
   * @throws ProbeException when the backend cannot be asked (unreachable, refused, an answer that is not
   *     its API's, larger than the bound): an ERROR, never an absence
   */
  Optional<Trace> trace(String traceId);

  /**
   * The ids (32 hex digits) of at most {@code limit} traces holding a span of {@code service} between
   * {@code from} and {@code to}: whether a hop emits spans at all, whatever trace they landed in.
   *
   * @throws ProbeException when the backend cannot be asked
   */
  List<String> traceIds(String service, Instant from, Instant to, int limit);
}
