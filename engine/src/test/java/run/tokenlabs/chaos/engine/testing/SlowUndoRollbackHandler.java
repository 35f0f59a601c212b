package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;

/**
 * Undoes {@link SlowUndoMarkerFault}: writes {@code <marker>.undo-started}, works for {@link #UNDO_TIME},
 * then deletes the marker. A JVM killed during the undo leaves both files behind.
 */
public final class SlowUndoRollbackHandler implements RollbackHandler {
  static final String KIND = "test.slow-delete-file";
  /** Long enough that a process killed when its parent exits cannot finish the undo by luck. */
  public static final Duration UNDO_TIME = Duration.ofSeconds(3);

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) throws Exception {
    Path marker = Path.of(rollback.state().get("path"));
    Files.writeString(marker.resolveSibling(marker.getFileName() + ".undo-started"), "undo started");
    // Not polling: this stands for the work of a real undo (a pod recreated and awaited), which takes time.
    Thread.sleep(UNDO_TIME.toMillis());
    Files.deleteIfExists(marker);
  }
}
