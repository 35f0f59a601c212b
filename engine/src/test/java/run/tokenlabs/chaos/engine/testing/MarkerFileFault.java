package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A fault whose damage is visible on disk: acting creates a marker file, the rollback deletes it.
 * An optional action runs after the marker exists (e.g. breaking a probe's value).
 */
public final class MarkerFileFault implements Fault<MarkerFileFault.DeleteMarker> {
  /** Markers deleted by a rollback in this JVM, in order, so tests can check LIFO. */
  public static final List<String> UNDONE = new CopyOnWriteArrayList<>();

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
  public DeleteMarker prepare(Target target) {
    return new DeleteMarker(marker.toString());
  }

  @Override
  public void act(Target target, DeleteMarker rollback) throws Exception {
    Files.createDirectories(marker.getParent());
    Files.writeString(marker, "fault active");
    alsoDo.run();
  }

  /** Deletes the marker; idempotent, since deleting a deleted file does nothing. */
  public record DeleteMarker(String path) implements Rollback {
    @Override
    public String description() {
      return "delete marker " + Path.of(path).getFileName();
    }

    @Override
    public void undo(Target target, Duration timeout) throws Exception {
      Files.deleteIfExists(Path.of(path));
      UNDONE.add(path);
    }
  }
}
