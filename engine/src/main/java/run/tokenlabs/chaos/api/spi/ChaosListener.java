package run.tokenlabs.chaos.api.spi;

/**
 * Receives every journal event as it happens. Found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/run.tokenlabs.chaos.api.spi.ChaosListener}); the Allure report is
 * one such listener. A listener that throws is logged and kept; it never changes a verdict.
 */
public interface ChaosListener {
  void onEvent(ChaosEvent event);
}
