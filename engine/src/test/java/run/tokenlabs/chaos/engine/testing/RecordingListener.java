package run.tokenlabs.chaos.engine.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.spi.ChaosListener;

/** A listener registered through ServiceLoader in the test class path; keeps every event. */
public final class RecordingListener implements ChaosListener {
  public static final List<ChaosEvent> EVENTS = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(ChaosEvent event) {
    EVENTS.add(event);
  }
}
