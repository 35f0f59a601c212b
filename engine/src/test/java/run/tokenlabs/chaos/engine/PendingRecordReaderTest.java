package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.engine.PendingRollbackFile.Leftover;
import run.tokenlabs.chaos.engine.testing.MarkerFileFault.DeleteMarker;

/**
 * What a run accepts from a pending-rollback file: only lines signed with the journal key and
 * shaped as the engine writes them; a torn last line is the one line it skips, anything else stops
 * it naming the file and line.
 */
class PendingRecordReaderTest {
  private static final String RUN = "crashed-run";
  @TempDir
  Path journalDir;

  @Test
  @DisplayName("The engine's own lines read back: registered and not done, with their target, namespaces and line")
  void engineLinesReadBack() {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, RUN, PendingLines.KEY)) {
      file.register(1, new DeleteMarker("/tmp/a"), "mock", Set.of());
      file.register(2, new DeleteMarker("/tmp/b"), "mock", Set.of("token-labs"));
      file.done(1);
    }

    assertThat(leftovers()).singleElement().satisfies(l -> {
      assertThat(l.rollback()).isEqualTo(new DeleteMarker("/tmp/b"));
      assertThat(l.line()).isEqualTo(2);
      assertThat(l.namespaces()).containsExactly("token-labs");
      assertThat(l.target()).isEqualTo("mock");
    });
  }

  @Test
  @DisplayName("A line without a MAC is refused naming file and line, not skipped")
  void unsignedLine() throws Exception {
    Path file = PendingLines.write(journalDir, RUN, register(1, "/tmp/a") + "\n");

    assertThatThrownBy(this::leftovers).isInstanceOf(PendingRecordException.class)
        .hasMessageContaining("Pending-rollback file " + file + " line 1: it is not a signed record")
        .hasMessageContaining("Nothing was replayed or injected");
  }

  @Test
  @DisplayName("A line signed with another key, or moved from another run's file, is refused as forged")
  void forgedLine() throws Exception {
    JournalKey other = JournalKey.of("another-key-0123456789abcdef-0123456789".getBytes(StandardCharsets.UTF_8));
    Path file = PendingLines.write(journalDir, RUN, PendingLines.signed(other, RUN, register(1, "/tmp/a")) + "\n");

    assertThatThrownBy(this::leftovers).hasMessageContaining(file + " line 1: its MAC does not match");

    PendingLines.write(journalDir, RUN, PendingLines.signed(PendingLines.KEY, "other-run", register(1, "/tmp/a")) + "\n");
    assertThatThrownBy(this::leftovers).hasMessageContaining(file + " line 1: its MAC does not match");
  }

  @Test
  @DisplayName("A torn last line (no newline) is skipped; the complete lines before it still count")
  void tornLastLine() throws Exception {
    String complete = signed(register(1, "/tmp/a"));
    String torn = signed(register(2, "/tmp/b")).substring(0, 40);
    PendingLines.write(journalDir, RUN, complete + "\n" + torn);

    assertThat(leftovers()).extracting(Leftover::rollback).containsExactly(new DeleteMarker("/tmp/a"));
  }

  @Test
  @DisplayName("A bad line in the middle is an ERROR naming file and line, though the lines around it are fine")
  void badMiddleLine() throws Exception {
    Path file = PendingLines.write(journalDir, RUN, signed(register(1, "/tmp/a")) + "\n{\"op\":\"regi\n"
        + signed(register(2, "/tmp/b")) + "\n");

    assertThatThrownBy(this::leftovers).isInstanceOf(PendingRecordException.class)
        .hasMessageContaining(file + " line 2: it is not a signed record");
  }

  @Test
  @DisplayName("A torn append followed by a complete register (one line) is an ERROR, not a dropped rollback")
  void tornAppendThenRegister() throws Exception {
    Path file = PendingLines.write(journalDir, RUN, signed(register(1, "/tmp/a")).substring(0, 30)
        + signed(register(2, "/tmp/b")) + "\n");

    assertThatThrownBy(this::leftovers).hasMessageContaining(file + " line 1: its MAC does not match");
  }

  @Test
  @DisplayName("A signed register without a kind is an ERROR naming file and line")
  void registerWithoutKind() throws Exception {
    Path file = PendingLines.write(journalDir, RUN, signed(register(1, "/tmp/a")) + "\n"
        + signed("{\"op\":\"register\",\"seq\":2,\"target\":\"mock\",\"namespaces\":[],\"rollback\":{"
            + "\"description\":\"scale web back\",\"state\":{}}}") + "\n");

    assertThatThrownBy(this::leftovers).isInstanceOf(PendingRecordException.class)
        .hasMessageContaining(file + " line 2: its register has no rollback \"kind\"");
  }

  @Test
  @DisplayName("A done line for a seq never registered, or an unknown op, is an ERROR naming the line")
  void malformedOps() throws Exception {
    Path file = PendingLines.write(journalDir, RUN, signed("{\"op\":\"done\",\"seq\":7}") + "\n");
    assertThatThrownBy(this::leftovers).hasMessageContaining(file + " line 1: it marks seq 7 done, which no earlier");

    PendingLines.write(journalDir, RUN, signed("{\"op\":\"undo\",\"seq\":1}") + "\n");
    assertThatThrownBy(this::leftovers).hasMessageContaining(file + " line 1: its op is \"undo\"");
  }

  @Test
  @DisplayName("The pending file is created 0600 in a 0700 directory")
  void privateFile() {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, RUN, PendingLines.KEY)) {
      assertThat(PosixFilePermissions.toString(permissions(file.path()))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(permissions(file.path().getParent()))).isEqualTo("rwx------");
    }
  }

  private static Set<PosixFilePermission> permissions(Path path) {
    try {
      return Files.getPosixFilePermissions(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Leftover> leftovers() {
    return PendingRollbackFile.leftovers(journalDir, "next-run", PendingLines.KEY);
  }

  private static String signed(String json) {
    return PendingLines.signed(PendingLines.KEY, RUN, json);
  }

  private static String register(int seq, String marker) {
    return "{\"op\":\"register\",\"seq\":" + seq + ",\"target\":\"mock\",\"namespaces\":[],\"rollback\":{\"kind\":\""
        + DeleteMarker.class.getName() + "\",\"description\":\"delete marker\",\"state\":{\"path\":\"" + marker + "\"}}}";
  }
}
