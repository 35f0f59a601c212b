package run.tokenlabs.chaos.lab.api;

/**
 * How a lab model server traces its requests: the reference run's failure modes as switches. The
 * gateway always creates its span and passes its own context on in {@code traceparent}.
 */
public enum ModelTracing {
  /** Continues the trace of the {@code traceparent} it received: its span is a child of the gateway's. */
  PROPAGATES,
  /**
   * Emits spans but ignores the {@code traceparent} it received, so each starts a trace of its own: the
   * spans reach the backend, but no request's trace holds them (context not propagated).
   */
  DROPS_TRACEPARENT,
  /** Emits no span at all, as vLLM started without {@code --otlp-traces-endpoint}. */
  SILENT
}
