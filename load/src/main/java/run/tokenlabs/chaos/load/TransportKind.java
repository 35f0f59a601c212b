package run.tokenlabs.chaos.load;

import run.tokenlabs.chaos.load.api.LoadSpec;

/** Which {@link Transport} a load uses. */
enum TransportKind {
  EVENT_LOOP, OKHTTP;

  /**
   * Event loops for a plain-HTTP endpoint with a pool sized by us; OkHttp for TLS, for the naive preset (which
   * exists to show OkHttp's own defaults), with virtual threads, or when {@code -Dtokenlabs.load.transport=okhttp}.
   */
  static TransportKind of(LoadSpec spec) {
    return HttpClients.maxInFlight(spec) > 0 && EventLoopTransport.serves(spec.endpoint().baseUrl())
        ? EVENT_LOOP : OKHTTP;
  }
}
