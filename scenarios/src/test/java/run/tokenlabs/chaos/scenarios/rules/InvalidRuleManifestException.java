package run.tokenlabs.chaos.scenarios.rules;

import java.nio.file.Path;

/**
 * A rule manifest that cannot be turned into a plain rule file. The message names the file, what is
 * wrong with it and what to change.
 */
public final class InvalidRuleManifestException extends IllegalArgumentException {
  private final transient Path manifest;

  InvalidRuleManifestException(Path manifest, String problem, String fix) {
    super("Rule manifest " + manifest + " cannot be used: " + problem + ". Fix: " + fix + ".");
    this.manifest = manifest;
  }

  /** The file that was rejected. */
  public Path manifest() {
    return manifest;
  }
}
