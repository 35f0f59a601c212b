package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A named, evidenced statement an experiment produces, e.g. "bare pod: no controller, no alert".
 *
 * @param title short name of the finding
 * @param statement what was found, in a sentence
 * @param evidence what shows it (values, queries, object names)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Finding(String title, String statement, String evidence) {
  public Finding {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(statement, "statement");
    evidence = evidence == null ? "" : evidence;
  }
}
