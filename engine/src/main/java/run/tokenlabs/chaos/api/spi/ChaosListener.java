package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.event.ChaosEvent;

/**
 * Receives every journal event as it happens, after it is on disk. Found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/run.tokenlabs.chaos.api.spi.ChaosListener});
 * the Allure report is one such listener. Events come from the test thread and from others (a
 * guard, a rollback on shutdown). A listener that throws is logged and kept; it never changes a
 * verdict.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ChaosListener {

  /** One event; see {@link ChaosEvent} for the set, and match on its record type. */
  void onEvent(ChaosEvent event);
}
