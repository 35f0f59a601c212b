package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ChaosConfigException;

/** The key of the pending-rollback records: created private, kept out of the journal directory, never weak. */
class JournalKeyTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("A missing key file is created 0600 with a random key, which the next load reads back")
  void createdPrivateAndStable() throws Exception {
    Path file = dir.resolve("state/tokenlabs-chaos/journal.key");

    JournalKey first = JournalKey.load(Optional.of(file), dir.resolve("journal"));
    JournalKey again = JournalKey.load(Optional.of(file), dir.resolve("journal"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file).strip()).matches("[0-9a-f]{64}");
    assertThat(again.verifies("line", first.mac("line"))).isTrue();
    assertThat(JournalKey.load(Optional.of(dir.resolve("other.key")), dir.resolve("journal")).verifies("line",
        first.mac("line"))).as("another key does not verify it").isFalse();
  }

  @Test
  @DisplayName("A key file inside journal.dir is refused: whoever writes the journal could read it")
  void keyInsideJournalDir() {
    Path journal = dir.resolve("journal");

    assertThatThrownBy(() -> JournalKey.load(Optional.of(journal.resolve("keys/journal.key")), journal))
        .isInstanceOf(ChaosConfigException.class)
        .hasMessageContaining("is inside journal.dir").hasMessageContaining("Keep the key elsewhere");
    assertThat(journal.resolve("keys")).doesNotExist();
  }

  @Test
  @DisplayName("A key file others may write, or a short key, is refused saying what to do")
  void weakKeyFiles() throws Exception {
    Path writable = Files.writeString(dir.resolve("writable.key"), "0123456789abcdef0123456789abcdef0123");
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rw-rw-r--"));
    Path shortKey = Files.writeString(dir.resolve("short.key"), "secret\n");
    Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> JournalKey.load(Optional.of(writable), dir.resolve("journal")))
        .hasMessageContaining("is writable by others (rw-rw-r--)").hasMessageContaining("chmod 600 " + writable);
    assertThatThrownBy(() -> JournalKey.load(Optional.of(shortKey), dir.resolve("journal")))
        .hasMessageContaining("holds 6 bytes, fewer than 32").hasMessageContaining("openssl rand -hex 32");
  }
}
