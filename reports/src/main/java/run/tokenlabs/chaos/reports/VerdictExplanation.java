package run.tokenlabs.chaos.reports;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.tokenlabs.chaos.api.Verdict;

/**
 * A verdict in words: what was expected, what was seen, what it means. An assertion library's
 * message ("Expecting actual: 0.0114 to be less than: 0.0") is read into "expected less than 0.0,
 * seen 0.0114"; the raw message is kept beside it as evidence.
 *
 * @param expectedSeen what was checked, expected and seen (or the cleaned message when it has no such shape)
 * @param meaning what the verdict means for the reader
 * @param raw the verdict message as journaled
 */
record VerdictExplanation(String expectedSeen, String meaning, String raw) {
  /** AssertJ's "[description] Expecting actual: X to be <relation>: Y". */
  private static final Pattern EXPECTING = Pattern.compile(
      "(?s)^(?:\\[(?<what>.*?)\\]\\s*)?Expecting actual:\\s*(?<seen>.+?)\\s*\\n\\s*(?:not )?to (?:be )?(?<relation>[^:\\n]+?):?\\s*\\n\\s*(?<expected>.+?)\\s*$");
  /** AssertJ's and JUnit's "[description] expected: X but was: Y". */
  private static final Pattern EXPECTED_BUT_WAS = Pattern.compile(
      "(?s)^(?:\\[(?<what>.*?)\\]\\s*)?expected:\\s*(?<expected>.+?)\\s*\\n?\\s*but was:\\s*(?<seen>.+?)\\s*$");
  /** AssertJ's "Expecting actual: X to be positive/negative/true/..." without a second operand. */
  private static final Pattern EXPECTING_STATE = Pattern.compile(
      "(?s)^(?:\\[(?<what>.*?)\\]\\s*)?Expecting (?:actual|value):?\\s*(?<seen>.+?)\\s*\\n\\s*to be (?<expected>[\\w ]+?)\\.?\\s*$");

  static VerdictExplanation of(Verdict verdict, String message) {
    String cleaned = Values.reason(verdict, message);
    return new VerdictExplanation(expectedSeen(cleaned), meaning(verdict), message == null ? "" : message.strip());
  }

  /** One sentence: the explanation, then its meaning. */
  String text() {
    return meaning.isEmpty() ? expectedSeen : expectedSeen + " " + meaning;
  }

  /** Whether the raw message says more than the explanation (so it is worth showing as evidence). */
  boolean rawAddsDetail() {
    return !raw.isEmpty() && !raw.equals(expectedSeen);
  }

  static String expectedSeen(String message) {
    Matcher m = EXPECTING.matcher(message);
    if (m.matches()) {
      return sentence(m.group("what"), "expected " + m.group("relation").strip() + " " + oneLine(m.group("expected"))
          + ", seen " + oneLine(m.group("seen")));
    }
    m = EXPECTED_BUT_WAS.matcher(message);
    if (m.matches()) {
      return sentence(m.group("what"), "expected " + oneLine(m.group("expected")) + ", seen " + oneLine(m.group("seen")));
    }
    m = EXPECTING_STATE.matcher(message);
    if (m.matches()) {
      return sentence(m.group("what"), "expected " + m.group("expected").strip() + ", seen " + oneLine(m.group("seen")));
    }
    return message;
  }

  private static String sentence(String what, String expectedSeen) {
    String subject = what == null || what.isBlank() ? "" : what.strip() + ": ";
    return subject + expectedSeen + ".";
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  static String meaning(Verdict verdict) {
    if (verdict == null) {
      return "";
    }
    return switch (verdict) {
      case DEVIATED -> "The steady-state hypothesis did not hold: a finding about the target, not a failure of the "
          + "run; decide whether the target or the hypothesis must change.";
      case ERROR -> "The experiment could not finish: a probe, the target's API or the framework failed, so the "
          + "target's behaviour is unknown (neither held nor deviated); fix the cause and run it again.";
      case ABORTED -> "Nothing was judged: the steady state did not hold before the fault (or it was a dry run), "
          + "so no fault was injected.";
      case BLOCKED -> "Not run: the target lacks a capability the experiment needs.";
      case HELD -> "";
    };
  }
}
