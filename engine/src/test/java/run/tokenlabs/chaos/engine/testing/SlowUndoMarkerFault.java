package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A marker-file fault whose rollback takes seconds, as recreating a pod and waiting for it does: a
 * test can then tell a rollback that completed before the JVM exited from one that was cut off.
 */
public final class SlowUndoMarkerFault implements Fault<SlowUndoMarkerFault.SlowDeleteMarker> {
  /** Long enough that a process killed when its parent exits cannot finish the undo by luck. */
  public static final Duration UNDO_TIME = Duration.ofSeconds(3);

  private final Path marker;

  public SlowUndoMarkerFault(Path marker) {
    this.marker = marker;
  }

  @Override
  public String description() {
    return "create marker " + marker.getFileName() + " (slow to undo)";
  }

  @Override
  public SlowDeleteMarker prepare(Target target) {
    return new SlowDeleteMarker(marker.toString());
  }

  @Override
  public void act(Target target, SlowDeleteMarker rollback) throws Exception {
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, "fault active");
  }

  /**
   * Writes {@code <marker>.undo-started}, works for {@link #UNDO_TIME}, then deletes the marker. A JVM
   * killed during the undo leaves both files behind.
   */
  public record SlowDeleteMarker(String path) implements Rollback {
    @Override
    public String description() {
      return "delete marker " + Path.of(path).getFileName() + " after a slow undo";
    }

    @Override
    public void undo(Target target, Duration timeout) throws Exception {
      Path file = Path.of(path);
      Files.writeString(file.resolveSibling(file.getFileName() + ".undo-started"), "undo started");
      // Not polling: this stands for the work of a real undo (a pod recreated and awaited), which takes time.
      Thread.sleep(UNDO_TIME.toMillis());
      Files.deleteIfExists(file);
    }
  }
}
