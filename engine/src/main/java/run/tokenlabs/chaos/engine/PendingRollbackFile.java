package run.tokenlabs.chaos.engine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * The on-disk record of rollbacks not yet completed, one file per run in
 * {@code <journal.dir>/pending-rollbacks/<runId>.jsonl} (mode 0600). Lines are appended and forced to disk:
 * {@code {"op":"register","seq":1,"target":"lab (gb10)","namespaces":["token-labs"],"rollback":{"kind":...,
 * "description":...,"state":{...}},"mac":"<hex>"}} before a fault acts (the rollback as
 * {@link RollbackCodec} writes it, the namespaces its fault declared), {@code {"op":"done","seq":1,"mac":...}}
 * after its undo. A run killed with SIGKILL leaves registered-but-not-done entries, which the next
 * run completes (newest first) before anything else; the file is deleted once all are done.
 *
 * <p>Every line ends in {@code "mac"}: the HMAC-SHA256, under the {@link JournalKey}, of the run id, a
 * newline and the line's JSON without the mac. A reader accepts only lines whose MAC it can verify,
 * so a record edited or written by anyone without the key is refused, not replayed. Reading is
 * strict: a torn last line (no newline: the crash hit mid-write, and its fault had not acted yet, since
 * acting waits for the line to reach the disk) is the only line skipped; any other line that is not a
 * signed, well-formed record stops the run with a {@link PendingRecordException} naming the file and
 * line.
 *
 * <p>Written through a {@link FileOutputStream} and {@code fsync}, not a {@code FileChannel}: a
 * channel is closed for good when a thread writing to it is interrupted, and rollbacks run on
 * threads that get interrupted (a guard halt interrupts the test thread), which would leave the
 * rest of the run unable to register a rollback, so unable to inject anything. After a failed write
 * the file refuses every further line, so a torn line can only ever be the last.
 */
final class PendingRollbackFile implements AutoCloseable {
  static final String DIR = "pending-rollbacks";
  private static final Logger LOG = Logger.getLogger(PendingRollbackFile.class.getName());

  private final Path file;
  private final String runId;
  private final JournalKey key;
  private final FileOutputStream out;
  private IOException failed;

  private PendingRollbackFile(Path file, String runId, JournalKey key, FileOutputStream out) {
    this.file = file;
    this.runId = runId;
    this.key = key;
    this.out = out;
  }

  /** Creates this run's file, mode 0600, and forces its directory entry to disk. */
  static PendingRollbackFile create(Path journalDir, String runId, JournalKey key) {
    Path dir = journalDir.resolve(DIR);
    Path file = dir.resolve(runId + ".jsonl");
    try {
      if (!Files.isDirectory(dir)) {
        PendingFiles.createPrivateDirectories(dir);
        PendingFiles.syncDirectory(journalDir);
      }
      PendingFiles.createPrivateFile(file);
      PendingFiles.syncDirectory(dir);
      return new PendingRollbackFile(file, runId, key, new FileOutputStream(file.toFile(), true));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the pending-rollback file '" + file
          + "'; without it a crashed run could not be rolled back, so nothing will be injected", e);
    }
  }

  Path path() {
    return file;
  }

  /**
   * Appends the rollback and forces it to disk.
   *
   * @param namespaces the namespaces its fault acts in, which a replay checks again
   * @throws IllegalArgumentException when the rollback is not a record that reads back equal from its
   *     JSON, or holds a secret (see {@link RollbackCodec#write}); nothing is written then
   */
  synchronized void register(long seq, Rollback rollback, String target, Set<String> namespaces) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("op", "register");
    line.put("seq", seq);
    line.put("target", target);
    line.put("namespaces", new TreeSet<>(namespaces));
    line.put("rollback", RollbackCodec.write(rollback));
    append(line);
  }

  synchronized void done(long seq) {
    append(Map.of("op", "done", "seq", seq));
  }

  private void append(Map<String, Object> line) {
    if (failed != null) {
      throw new UncheckedIOException("The pending-rollback file '" + file + "' could not be written earlier in this "
          + "run, so it takes no more lines and nothing more is injected", failed);
    }
    try {
      write(out, signed(key, runId, line));
    } catch (IOException e) {
      failed = e;
      throw new UncheckedIOException("Cannot write the pending-rollback file '" + file + "'", e);
    }
  }

  /** Records in an earlier run's file that one of its rollbacks has now been completed. */
  static void markDone(Leftover leftover, JournalKey key) {
    try (FileOutputStream other = new FileOutputStream(leftover.file().toFile(), true)) {
      write(other, signed(key, leftover.runId(), Map.of("op", "done", "seq", leftover.seq())));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot update the pending-rollback file '" + leftover.file() + "'", e);
    }
  }

  /** The line as written: its JSON with the MAC of run id and JSON appended as the last field. */
  static String signed(JournalKey key, String runId, Map<String, Object> line) {
    String json;
    try {
      json = Journal.JSON.writeValueAsString(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json.substring(0, json.length() - 1) + ",\"mac\":\"" + key.mac(runId + "\n" + json) + "\"}";
  }

  private static void write(FileOutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.getFD().sync();
  }

  /** Closes the file and deletes it: every rollback it listed is done. */
  void closeAndDelete() {
    close();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the completed pending-rollback file '" + file + "'", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A rollback left behind by an earlier run, at line {@code line} of {@code file}. One this run cannot
   * rebuild is an {@link UnreadableRollback}, whose undo fails naming the file, line and kind.
   *
   * @param namespaces the namespaces its fault acted in, as recorded
   */
  record Leftover(Path file, int line, String runId, long seq, Rollback rollback, String target,
                  Set<String> namespaces) {
    Leftover {
      namespaces = Set.copyOf(namespaces);
    }

    String where() {
      return file + " line " + line;
    }
  }

  /**
   * The rollbacks registered and never done in files of other runs, newest first. Reading never
   * throws for a rollback it cannot rebuild: that one fails when it is undone, so a leftover of
   * another target does not stop this run.
   *
   * @throws PendingRecordException at the first line that is neither a signed record nor a torn last line
   */
  static List<Leftover> leftovers(Path journalDir, String excludeRunId, JournalKey key) {
    List<Leftover> result = new ArrayList<>();
    for (Path file : otherFiles(journalDir, excludeRunId)) {
      result.addAll(readLeftovers(file, runIdOf(file), key));
    }
    Collections.reverse(result);
    return result;
  }

  /** Deletes the files of other runs that hold no open rollback any more. */
  static void deleteCompleted(Path journalDir, String excludeRunId, JournalKey key) {
    List<Leftover> open = leftovers(journalDir, excludeRunId, key);
    try {
      for (Path file : otherFiles(journalDir, excludeRunId)) {
        if (open.stream().noneMatch(l -> l.file().equals(file))) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean completed pending-rollback files in '" + journalDir.resolve(DIR)
          + "'", e);
    }
  }

  private static List<Path> otherFiles(Path journalDir, String excludeRunId) {
    Path dir = journalDir.resolve(DIR);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jsonl")).filter(f -> !runIdOf(f).equals(excludeRunId))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pending rollbacks in '" + dir + "'", e);
    }
  }

  private static String runIdOf(Path file) {
    return file.getFileName().toString().replaceFirst("\\.jsonl$", "");
  }

  private static List<Leftover> readLeftovers(Path file, String runId, JournalKey key) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the pending-rollback file '" + file + "'", e);
    }
    boolean complete = text.isEmpty() || text.endsWith("\n");
    List<String> lines = List.of(text.split("\n", -1));
    int count = complete ? lines.size() - 1 : lines.size();
    PendingRecordReader reader = new PendingRecordReader(file, runId, key);
    for (int i = 0; i < count; i++) {
      boolean torn = !complete && i == count - 1;
      try {
        reader.read(lines.get(i), i + 1);
      } catch (PendingRecordException e) {
        if (!torn) {
          throw e;
        }
        LOG.warning("Skipped the torn last line " + (i + 1) + " of " + file + " (it has no newline: the run was "
            + "killed while writing it, before its fault acted)");
      }
    }
    return reader.open();
  }
}
