package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A named, evidenced statement an experiment produces, e.g. "bare pod: no controller, no alert",
 * and optionally what to do about it before the next run.
 *
 * @param title short name of the finding
 * @param statement what was found, in a sentence
 * @param evidence what shows it (values, queries, object names)
 * @param action the recommended action, or {@code null} when the finding asks for none
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Finding(String title, String statement, String evidence, Action action) {
  public Finding {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(statement, "statement");
    evidence = evidence == null ? "" : evidence;
  }

  /** A finding that asks for no action. */
  public Finding(String title, String statement, String evidence) {
    this(title, statement, evidence, null);
  }

  /** This finding with a recommended action, e.g. "wrap the bare pod in a Deployment". */
  public Finding withAction(Severity severity, String whatToDo) {
    return new Finding(title, statement, evidence, new Action(severity, whatToDo));
  }

  /** How urgent a recommended action is; the summary's "next run scope" lists the most severe first. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Severity {
    /** Serving or safety is at risk: act before the next run. */
    HIGH,
    /** A blind spot or a degradation: plan it for the next run. */
    MEDIUM,
    /** Worth doing when convenient. */
    LOW
  }

  /**
   * What to do about a finding before the next run.
   *
   * @param severity how urgent it is
   * @param text the action, in an imperative sentence
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Action(Severity severity, String text) {
    public Action {
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(text, "text");
      if (text.isBlank()) {
        throw new IllegalArgumentException("A recommended action needs a text saying what to do; got a blank one");
      }
    }
  }
}
