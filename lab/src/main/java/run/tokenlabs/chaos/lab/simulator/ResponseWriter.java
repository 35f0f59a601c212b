package run.tokenlabs.chaos.lab.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import run.tokenlabs.chaos.lab.http.HttpServers;

/**
 * Writes the answer to one completion request from its choices' token events: as an SSE stream
 * (every token a chunk of its choice, a usage chunk if asked, then {@code [DONE]}) or, when the
 * client did not ask to stream, as one JSON object once every choice has finished. A sequence that
 * aborts (pod stopping) resets the connection, as a dying server does.
 */
final class ResponseWriter {
  private final HttpExchange ex;
  private final CompletionRequest req;
  private final List<Sequence> choices;
  private final TokenStream stream;
  private final SseChunks chunks;

  ResponseWriter(HttpExchange ex, CompletionRequest req, List<Sequence> choices, TokenStream stream,
                 SseChunks chunks) {
    this.ex = ex;
    this.req = req;
    this.choices = choices;
    this.stream = stream;
    this.chunks = chunks;
  }

  /**
   * Streams every choice to its end. With {@code cutAfter >= 0} (a fault) the body ends cleanly after
   * that many tokens, with no finish_reason, usage or {@code [DONE]}.
   *
   * @return whether every choice finished and the stream was complete
   */
  boolean stream(int cutAfter) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    // vLLM sends a chat choice's role chunk with its first engine output, i.e. after prefill: sending
    // it earlier would let a client's TTFT ("first chunk with choices") skip the prefill entirely.
    boolean[] opened = new boolean[choices.size()];
    int finished = 0;
    int sent = 0;
    try {
      while (true) {
        TokenStream.Event ev = await();
        StringBuilder batch = new StringBuilder();
        // Batch what is already there into one flush; the client sees the same events either way.
        for (; ev != null; ev = stream.poll()) {
          if (ev.isAbort()) {
            write(out, batch);
            throw HttpServers.resetConnection("stream aborted: " + ev.abortReason());
          }
          if (cutAfter >= 0 && sent >= cutAfter) {
            write(out, batch);
            abortAll(); // fault: end the body cleanly, but with no finish_reason, usage or [DONE]
            out.close();
            ex.close();
            return false;
          }
          if (req.chat() && !opened[ev.choice()]) {
            batch.append(chunks.roleChunk(ev.choice()));
            opened[ev.choice()] = true;
          }
          batch.append(chunks.tokenChunk(ev.choice(), ev.index(), ev.finishReason()));
          sent++;
          if (ev.finishReason() != null && ++finished == choices.size()) {
            if (req.includeUsage()) {
              batch.append(chunks.usageChunk(req.promptTokens(), sent));
            }
            batch.append("data: [DONE]\n\n");
            write(out, batch);
            out.close();
            ex.close();
            return true;
          }
        }
        write(out, batch);
      }
    } catch (IOException e) {
      abortAll(); // the client went away
      throw e;
    }
  }

  /**
   * Waits for every choice to finish, then answers with all of them.
   *
   * @return true (the answer was sent); a failure throws
   */
  boolean whole() throws IOException {
    int[] tokens = new int[choices.size()];
    String[] finish = new String[choices.size()];
    int finished = 0;
    while (finished < choices.size()) {
      TokenStream.Event ev = await();
      if (ev.isAbort()) {
        throw HttpServers.resetConnection("request aborted: " + ev.abortReason());
      }
      tokens[ev.choice()]++;
      if (ev.finishReason() != null) {
        finish[ev.choice()] = ev.finishReason();
        finished++;
      }
    }
    List<SseChunks.Choice> result = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      result.add(new SseChunks.Choice(tokens[i], finish[i]));
    }
    try {
      HttpServers.json(ex, 200, chunks.whole(req.promptTokens(), result));
    } catch (IOException e) {
      abortAll();
      throw e;
    }
    return true;
  }

  private void abortAll() {
    choices.forEach(Sequence::abort);
  }

  private TokenStream.Event await() throws IOException {
    try {
      TokenStream.Event ev;
      do {
        ev = stream.next(1000);
      } while (ev == null);
      return ev;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpServers.resetConnection("server stopping");
    }
  }

  private static void write(OutputStream out, StringBuilder data) throws IOException {
    if (data.length() > 0) {
      out.write(data.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
