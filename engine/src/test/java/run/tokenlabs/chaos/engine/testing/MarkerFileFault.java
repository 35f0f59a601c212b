package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A fault whose damage is visible on disk: acting creates a marker file, the rollback deletes it.
 * An optional action runs after the marker exists (e.g. breaking a probe's value).
 */
public final class MarkerFileFault implements Fault {
  private final Path marker;
  private final Runnable alsoDo;

  public MarkerFileFault(Path marker) {
    this(marker, () -> { });
  }

  public MarkerFileFault(Path marker, Runnable alsoDo) {
    this.marker = marker;
    this.alsoDo = alsoDo;
  }

  @Override
  public String description() {
    return "create marker " + marker.getFileName();
  }

  @Override
  public Rollback prepare(Target target) {
    return new Rollback(DeleteFileRollbackHandler.KIND, "delete marker " + marker.getFileName(),
        Map.of("path", marker.toString()));
  }

  @Override
  public void act(Target target) throws Exception {
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, "fault active");
    alsoDo.run();
  }
}
