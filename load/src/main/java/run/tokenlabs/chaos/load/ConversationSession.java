package run.tokenlabs.chaos.load;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.MediaType;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Conversation;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * One closed-loop session's conversation (see {@link Conversation}): which turn comes next and the
 * messages so far, kept as the JSON they are sent as. Used by one request at a time (a session never
 * has two in flight), so it needs no lock beyond the hand-over between threads that the run's
 * in-flight bookkeeping already orders.
 */
final class ConversationSession {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final byte[] ASSISTANT_OPEN = "\"},{\"role\":\"assistant\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MESSAGE_CLOSE = "\"},".getBytes(StandardCharsets.UTF_8);

  private final List<PreparedPrompt> turns;
  private final long thinkNanos;
  private ByteArrayOutputStream history = new ByteArrayOutputStream();
  private int next;
  private long conversations;

  /** @param turns one prepared prompt per turn, in order (the workload's buckets T1..Tn) */
  ConversationSession(List<PreparedPrompt> turns, Conversation conversation) {
    this.turns = List.copyOf(turns);
    this.thinkNanos = conversation.thinkTime().toNanos();
  }

  long thinkNanos() {
    return thinkNanos;
  }

  /** Conversations this session has started so far. */
  long conversations() {
    return conversations;
  }

  /** The next turn's request: the conversation so far, then a new user message. */
  Turn nextTurn() {
    if (next == 0) {
      conversations++;
    }
    return new Turn(turns.get(next), history.toByteArray());
  }

  /**
   * Takes the turn's outcome: a complete answer joins the history and the conversation moves on; after
   * the last turn, or a turn without a complete answer, the next request starts a new conversation.
   */
  void concluded(Turn turn, long id, RequestRecord record) {
    if (record.outcome() != Outcome.COMPLETE || turn.answer == null || next == turns.size() - 1) {
      history = new ByteArrayOutputStream();
      next = 0;
      return;
    }
    PreparedPrompt p = turn.prompt;
    history.write(p.head(), p.userStart(), p.head().length - p.userStart());
    history.writeBytes(PreparedPrompt.requestLine(id).getBytes(StandardCharsets.US_ASCII));
    history.writeBytes(p.sharedText());
    history.writeBytes(ASSISTANT_OPEN);
    history.writeBytes(new String(JsonStringEncoder.getInstance().quoteAsString(turn.answer.toString()))
        .getBytes(StandardCharsets.UTF_8));
    history.writeBytes(MESSAGE_CLOSE);
    next++;
  }

  /** One turn's request: the prompt of its turn with the history placed before the new user message. */
  static final class Turn implements Outgoing {
    final PreparedPrompt prompt;
    private final byte[] history;
    /** The answer's text as it streamed, set by the stream reader; null until then. */
    volatile StringBuilder answer;

    Turn(PreparedPrompt prompt, byte[] history) {
      this.prompt = prompt;
      this.history = history;
    }

    @Override
    public Bucket bucket() {
      return prompt.bucket();
    }

    @Override
    public boolean keepsAnswer() {
      return true;
    }

    @Override
    public SlicedBody body(long id) {
      byte[] head = prompt.head();
      int split = prompt.userStart();
      byte[] line = PreparedPrompt.requestLine(id).getBytes(StandardCharsets.US_ASCII);
      return SlicedBody.builder(JSON, 6).slice(head, 0, split).all(history).slice(head, split, head.length - split)
          .all(line).all(prompt.sharedText()).all(prompt.tail()).build();
    }
  }
}
