package run.tokenlabs.chaos.scenarios.rules;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code rules/} directory, as the tests see it: the system property {@code
 * tokenlabs.rules.dir} (scenarios/pom.xml sets it for failsafe), else {@code ../rules} from the
 * scenarios module or {@code rules} from the repository root, whichever exists.
 */
final class RulesDirectory {
  static final String PROPERTY = "tokenlabs.rules.dir";

  private RulesDirectory() {}

  static Path locate() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir.resolve("tests"))) {
        throw new IllegalStateException("System property " + PROPERTY + " is " + configured + ", but " + dir
            + " has no tests/ directory; point it at the repository's rules/ directory");
      }
      return dir;
    }
    for (String candidate : new String[] {"../rules", "rules"}) {
      Path dir = Path.of(candidate).toAbsolutePath().normalize();
      if (Files.isDirectory(dir.resolve("tests"))) {
        return dir;
      }
    }
    throw new IllegalStateException("Found no rules/ directory: system property " + PROPERTY
        + " is unset and neither ../rules nor rules (with a tests/ subdirectory) exists below "
        + Path.of("").toAbsolutePath() + "; run from the scenarios module or set -D" + PROPERTY + "=<repo>/rules");
  }
}
