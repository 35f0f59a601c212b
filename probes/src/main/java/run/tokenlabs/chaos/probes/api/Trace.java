package run.tokenlabs.chaos.probes.api;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One trace as a trace backend holds it: its id and every span stored under it, whichever service
 * emitted them.
 *
 * @param traceId 32 lower-case hex digits
 * @param spans the spans, in the backend's order
 */
public record Trace(String traceId, List<TraceSpan> spans) {
  public Trace {
    spans = List.copyOf(spans);
  }

  /** The services that have a span in this trace, sorted. */
  public Set<String> services() {
    Set<String> services = new TreeSet<>();
    spans.forEach(s -> services.add(s.service()));
    return services;
  }

  /** Whether {@code service} has a span whose parent is a span of {@code parentService} in this trace. */
  public boolean hasChildOf(String service, String parentService) {
    return spans.stream().filter(s -> s.service().equals(service)).anyMatch(child -> spans.stream()
        .anyMatch(p -> p.service().equals(parentService) && p.spanId().equals(child.parentId())));
  }
}
