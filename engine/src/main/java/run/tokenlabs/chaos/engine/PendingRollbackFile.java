package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * The on-disk record of rollbacks not yet completed, one file per run in
 * {@code <journal.dir>/pending-rollbacks/<runId>.jsonl}. Lines are appended and forced to disk:
 * {@code {"op":"register","seq":1,"target":"lab (gb10)","rollback":{"kind":...,"description":...,"state":{...}}}}
 * before a fault acts (the rollback as {@link RollbackCodec} writes it), {@code {"op":"done","seq":1}}
 * after its undo. A run killed with SIGKILL leaves registered-but-not-done entries, which the next
 * run completes (newest first) before anything else; the file is deleted once all are done.
 *
 * <p>Written through a {@link FileOutputStream} and {@code fsync}, not a {@code FileChannel}: a
 * channel is closed for good when a thread writing to it is interrupted, and rollbacks run on
 * threads that get interrupted (a guard halt interrupts the test thread), which would leave the
 * rest of the run unable to register a rollback, so unable to inject anything.
 */
final class PendingRollbackFile implements AutoCloseable {
  static final String DIR = "pending-rollbacks";

  private final Path file;
  private final FileOutputStream out;

  private PendingRollbackFile(Path file, FileOutputStream out) {
    this.file = file;
    this.out = out;
  }

  static PendingRollbackFile create(Path journalDir, String runId) {
    Path file = journalDir.resolve(DIR).resolve(runId + ".jsonl");
    try {
      Files.createDirectories(file.getParent());
      return new PendingRollbackFile(file, new FileOutputStream(file.toFile(), true));
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
   * @throws IllegalArgumentException when the rollback is not a record that reads back equal from its
   *     JSON (see {@link RollbackCodec#write}); nothing is written then
   */
  synchronized void register(long seq, Rollback rollback, String target) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("op", "register");
    line.put("seq", seq);
    line.put("target", target);
    line.put("rollback", RollbackCodec.write(rollback));
    append(line);
  }

  synchronized void done(long seq) {
    append(out, file, Map.of("op", "done", "seq", seq));
  }

  private void append(Object line) {
    append(out, file, line);
  }

  /** Records in an earlier run's file that one of its rollbacks has now been completed. */
  static void markDone(Leftover leftover) {
    try (FileOutputStream other = new FileOutputStream(leftover.file().toFile(), true)) {
      append(other, leftover.file(), Map.of("op", "done", "seq", leftover.seq()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot update the pending-rollback file '" + leftover.file() + "'", e);
    }
  }

  private static void append(FileOutputStream out, Path file, Object line) {
    try {
      out.write((Journal.JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the pending-rollback file '" + file + "'", e);
    }
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
   * A rollback left behind by an earlier run. One this run cannot rebuild is an
   * {@link UnreadableRollback}, whose undo fails naming the file, line and kind.
   */
  record Leftover(Path file, String runId, long seq, Rollback rollback, String target) {
  }

  /**
   * The rollbacks registered and never done in files of other runs, newest first. A torn last line
   * (the crash hit mid-write) is skipped: its fault had not acted yet, since acting waits for the
   * register line to reach the disk. Reading never throws for a rollback it cannot rebuild: that one
   * fails when it is undone, so a leftover of another target does not stop this run.
   */
  static List<Leftover> leftovers(Path journalDir, String excludeRunId) {
    Path dir = journalDir.resolve(DIR);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Leftover> result = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        String runId = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
        if (!runId.equals(excludeRunId)) {
          result.addAll(readLeftovers(file, runId));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pending rollbacks in '" + dir + "'", e);
    }
    java.util.Collections.reverse(result);
    return result;
  }

  /** Deletes the files of other runs that hold no open rollback any more. */
  static void deleteCompleted(Path journalDir, String excludeRunId) {
    List<Leftover> open = leftovers(journalDir, excludeRunId);
    Path dir = journalDir.resolve(DIR);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        boolean mine = file.getFileName().toString().equals(excludeRunId + ".jsonl");
        if (!mine && open.stream().noneMatch(l -> l.file().equals(file))) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clean completed pending-rollback files in '" + dir + "'", e);
    }
  }

  private static List<Leftover> readLeftovers(Path file, String runId) throws IOException {
    Map<Long, Rollback> open = new LinkedHashMap<>();
    Map<Long, String> targets = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode node;
      try {
        node = Journal.JSON.readTree(lines.get(i));
      } catch (IOException torn) {
        continue;
      }
      long seq = node.path("seq").asLong();
      if ("register".equals(node.path("op").asText())) {
        open.put(seq, RollbackCodec.read(node.path("rollback"), file, i + 1));
        targets.put(seq, node.path("target").asText(""));
      } else {
        open.remove(seq);
      }
    }
    List<Leftover> result = new ArrayList<>();
    open.forEach((seq, rollback) -> result.add(new Leftover(file, runId, seq, rollback, targets.get(seq))));
    return result;
  }
}
