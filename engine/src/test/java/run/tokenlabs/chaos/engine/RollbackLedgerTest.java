package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;

/** What the ledger records before a fault acts, and what it refuses to record. */
class RollbackLedgerTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("A rollback that would change a namespace its fault did not declare (so was not checked) is refused, nothing written")
  void undeclaredNamespaceIsRefused() throws Exception {
    try (Journal journal = Journal.open(dir, "run-1", Clock.systemUTC());
         PendingRollbackFile file = PendingRollbackFile.create(dir, "run-1", PendingLines.KEY)) {
      RollbackLedger ledger = new RollbackLedger(file, journal, new KubeOnlyTarget("mock", null, () -> { }));

      assertThatThrownBy(() -> ledger.register(new ScaleIn("kube-system"), "T-1", Set.of("token-labs")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("would change namespaces [kube-system] that its fault does not declare [token-labs]");
      assertThat(Files.readString(file.path())).isEmpty();
      assertThat(ledger.outstanding()).isEmpty();

      ledger.register(new ScaleIn("token-labs"), "T-1", Set.of("token-labs"));
      assertThat(Files.readString(file.path())).contains("\"namespaces\":[\"token-labs\"]");
    }
  }

  /** A rollback that declares the namespace its undo changes. */
  record ScaleIn(String namespace) implements Rollback {
    @Override
    public String description() {
      return "scale in " + namespace;
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    @Override
    public void undo(Target target, Duration timeout) {
    }
  }
}
