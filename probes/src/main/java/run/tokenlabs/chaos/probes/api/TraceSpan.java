package run.tokenlabs.chaos.probes.api;

/**
 * One span of a trace as a trace backend returned it.
 *
 * @param spanId its id, 16 lower-case hex digits
 * @param parentId its parent's id, or "" for a root span
 * @param service the service that emitted it ({@code service.name}, Zipkin's {@code localEndpoint.serviceName})
 * @param name its operation name
 */
public record TraceSpan(String spanId, String parentId, String service, String name) {
  /** Whether it has no parent in the trace context it was created in. */
  public boolean isRoot() {
    return parentId.isEmpty();
  }
}
