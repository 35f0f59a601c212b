package run.tokenlabs.chaos.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import run.tokenlabs.chaos.engine.testing.EngineRun;

/** Pending-rollback lines written by hand, signed as the engine signs them, for tests of what a reader accepts. */
final class PendingLines {
  /** The key of tests that read and write pending files without an engine run. */
  static final JournalKey KEY = JournalKey.of("test-key-0123456789abcdef-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  private PendingLines() {
  }

  /** The key an {@link EngineRun} on {@code journalDir} uses (created on first use, as a run creates it). */
  static JournalKey keyOf(Path journalDir) {
    return JournalKey.load(Optional.of(EngineRun.keyFile(journalDir)), journalDir);
  }

  /** {@code json} (an object) signed for the file of run {@code runId}. */
  static String signed(JournalKey key, String runId, String json) {
    return json.substring(0, json.length() - 1) + ",\"mac\":\"" + key.mac(runId + "\n" + json) + "\"}";
  }

  /** Writes {@code content} as the pending file of run {@code runId} in {@code journalDir}. */
  static Path write(Path journalDir, String runId, String content) throws Exception {
    Path file = journalDir.resolve(PendingRollbackFile.DIR).resolve(runId + ".jsonl");
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }
}
