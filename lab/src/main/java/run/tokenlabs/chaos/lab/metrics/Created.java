package run.tokenlabs.chaos.lab.metrics;

/** The creation time of a metric as the Prometheus Python client records it: wall-clock seconds. */
final class Created {
  private Created() {}

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }
}
