package run.tokenlabs.chaos.load;

import run.tokenlabs.chaos.load.api.Usage;

/** The parts of one OpenAI stream chunk the load generator needs; one instance per stream, reused. */
final class Chunk {
  boolean choicesNull;
  int choiceCount;
  int contentChars;
  int reasoningChars;
  String finishReason;
  Usage usage;
  String error;
  /** Where the text of every chunk is appended, when the load counts it with the server's tokenizer; else null. */
  StringBuilder text;

  /** Clears what one chunk said; the collected text stays. */
  void reset() {
    choicesNull = false;
    choiceCount = 0;
    contentChars = 0;
    reasoningChars = 0;
    finishReason = null;
    usage = null;
    error = null;
  }
}
