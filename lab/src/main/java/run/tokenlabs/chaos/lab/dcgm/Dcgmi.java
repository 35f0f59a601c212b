package run.tokenlabs.chaos.lab.dcgm;

import java.util.List;

/**
 * The part of NVIDIA's {@code dcgmi} command line the lab's DCGM pods run: {@code dcgmi test --inject
 * --gpuid N -f FIELD -v VALUE}, which writes a value into a DCGM field of one GPU as the hostengine's
 * injection framework does. Only field 230 ({@code DCGM_FI_DEV_XID_ERRORS}) is simulated; another
 * field or subcommand fails as an unsupported one, with exit code 1 or 2 as {@code dcgmi} uses them.
 */
public final class Dcgmi {
  /** {@code DCGM_FI_DEV_XID_ERRORS}. */
  public static final int XID_FIELD = 230;

  /**
   * What the command did.
   *
   * @param exitCode 0 on success
   * @param output what it printed
   */
  public record Outcome(int exitCode, String output) {}

  private Dcgmi() {}

  /** Runs {@code command} (argv, {@code dcgmi} first) against the exporter of the pod's node. */
  public static Outcome run(List<String> command, DcgmExporter exporter) {
    if (command.size() < 2 || !command.get(0).equals("dcgmi") && !command.get(0).endsWith("/dcgmi")) {
      return new Outcome(127, "sh: " + (command.isEmpty() ? "" : command.get(0)) + ": not found\n");
    }
    if (!command.get(1).equals("test") || !command.contains("--inject")) {
      return new Outcome(2, "Error: the lab's dcgmi runs only 'dcgmi test --inject --gpuid N -f 230 -v VALUE'; "
          + "seen: " + String.join(" ", command) + "\n");
    }
    Integer gpu = intAfter(command, "--gpuid", "-i");
    Integer field = intAfter(command, "-f", "--field");
    Integer value = intAfter(command, "-v", "--value");
    if (gpu == null || field == null || value == null) {
      return new Outcome(2, "Error: 'dcgmi test --inject' needs --gpuid, -f and -v with integers; seen: "
          + String.join(" ", command) + "\n");
    }
    if (field != XID_FIELD) {
      return new Outcome(1, "Error: the lab simulates injection of field " + XID_FIELD
          + " (DCGM_FI_DEV_XID_ERRORS) only; seen field " + field + "\n");
    }
    if (gpu != 0) {
      return new Outcome(1, "Error: Unable to inject: GPU " + gpu + " not found (node " + exporter.node()
          + " has GPU 0 only)\n");
    }
    exporter.injectXid(value);
    return new Outcome(0, "Successfully injected field info.\n");
  }

  private static Integer intAfter(List<String> command, String... flags) {
    for (int i = 0; i < command.size() - 1; i++) {
      if (List.of(flags).contains(command.get(i))) {
        try {
          return Integer.valueOf(command.get(i + 1));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
