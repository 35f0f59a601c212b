package run.tokenlabs.chaos.engine;

import java.nio.file.Path;

/**
 * A line of a pending-rollback file that is not a record this engine wrote with this run's key
 * (unsigned, forged, edited, malformed): the run stops before any experiment, naming the file and
 * line, because a pending rollback that cannot be trusted can neither be replayed nor skipped.
 */
final class PendingRecordException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  PendingRecordException(Path file, int line, String problem) {
    super("Pending-rollback file " + file + " line " + line + ": " + problem + ". Nothing was replayed or injected. "
        + "Check what its register lines describe and undo it by hand if a fault is still active, then delete "
        + file + " (or restore the journal.keyFile it was written with)");
    this.file = file;
    this.line = line;
  }

  Path file() {
    return file;
  }

  int line() {
    return line;
  }
}
