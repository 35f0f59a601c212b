package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;

/** Undoes {@link MarkerFileFault}; records the order of undos so tests can check LIFO. */
public final class DeleteFileRollbackHandler implements RollbackHandler {
  static final String KIND = "test.delete-file";
  /** Paths undone in this JVM, in order. */
  public static final List<String> UNDONE = new CopyOnWriteArrayList<>();

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) throws Exception {
    String path = rollback.state().get("path");
    Files.deleteIfExists(Path.of(path));
    UNDONE.add(path);
  }
}
