package run.tokenlabs.chaos.probes.exposition;

/**
 * An exposition that does not follow the text format, with the line number and the line, as
 * Prometheus itself would reject the whole scrape.
 */
public class ExpositionParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int lineNumber;

  public ExpositionParseException(int lineNumber, String line, String reason) {
    super("Exposition line " + lineNumber + ": " + reason + ": '" + abbreviate(line) + "'");
    this.lineNumber = lineNumber;
  }

  /** The 1-based number of the offending line. */
  public int lineNumber() {
    return lineNumber;
  }

  private static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
