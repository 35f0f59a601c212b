package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A marker-file fault whose rollback takes seconds, as recreating a pod and waiting for it does: a
 * test can then tell a rollback that completed before the JVM exited from one that was cut off.
 */
public final class SlowUndoMarkerFault implements Fault {
  private final Path marker;

  public SlowUndoMarkerFault(Path marker) {
    this.marker = marker;
  }

  @Override
  public String description() {
    return "create marker " + marker.getFileName() + " (slow to undo)";
  }

  @Override
  public Rollback prepare(Target target) {
    return new Rollback(SlowUndoRollbackHandler.KIND, "delete marker " + marker.getFileName() + " after a slow undo",
        Map.of("path", marker.toString()));
  }

  @Override
  public void act(Target target) throws Exception {
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, "fault active");
  }
}
