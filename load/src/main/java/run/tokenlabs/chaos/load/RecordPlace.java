package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.ResultRecorder;

/**
 * Where a load's record files go: the directory its {@code Recording} names, else the journal
 * directory of the experiment in progress (under {@code loads/}), else a temporary directory that the
 * JVM deletes on exit. Each load gets its own file name, so parallel and successive loads never share
 * a file.
 */
final class RecordPlace {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private RecordPlace() {}

  /** Opens the recorder of a load starting at {@code startedAt}. */
  static ResultRecorder open(LoadSpec spec, Instant startedAt) {
    String name = "load-" + STAMP.format(startedAt) + "-" + ProcessHandle.current().pid() + "-"
        + SEQUENCE.incrementAndGet();
    // under loads/: the journal directory's top level holds the journals and pending-rollback files
    // (*.jsonl), which the engine lists and which a load's records must never be taken for
    var chosen = spec.recording().directory().or(() -> TargetActions.evidenceDirectory().map(d -> d.resolve("loads")));
    if (chosen.isPresent()) {
      return new ResultRecorder(spec, chosen.get(), name, startedAt);
    }
    var recorder = new ResultRecorder(spec, Temporary.DIR, name, startedAt);
    recorder.recordsFile().toFile().deleteOnExit();
    recorder.intervalLogFile().toFile().deleteOnExit();
    return recorder;
  }

  /** One temporary directory per JVM, made on first use; its files are deleted when the JVM exits. */
  private static final class Temporary {
    static final Path DIR = create();

    private static Path create() {
      try {
        Path dir = Files.createTempDirectory("tokenlabs-load-");
        dir.toFile().deleteOnExit();
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a temporary directory for the load's records; give one with"
            + " LoadSpec.withRecording(Recording.to(dir)) (" + LoadResult.class.getSimpleName() + " reads them back)", e);
      }
    }
  }
}
