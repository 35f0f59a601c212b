package run.tokenlabs.chaos.runner;

import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.spi.ChaosListener;

/** The engine's events to the runner's {@link Progress}; found by the engine's service loader. */
public final class ProgressListener implements ChaosListener {

  @Override
  public void onEvent(ChaosEvent event) {
    Progress.current().onEvent(event);
  }
}
