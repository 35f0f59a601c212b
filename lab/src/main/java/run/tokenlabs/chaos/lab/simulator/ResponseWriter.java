package run.tokenlabs.chaos.lab.simulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
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
  /**
   * Bytes of a stream the pod's writer may write; the rest is written by the stream's handler thread.
   * A blocking write waits only once the socket's send buffer and the peer's receive window are full:
   * on Linux's loopback at least the 16 KiB default send buffer plus a receive window of tens of KiB
   * (a 128 KiB default receive buffer), more elsewhere. Under 16 KiB in all, a direct stream's writes
   * cannot wait on its reader, even one that never reads, so they never hold back the pod's other streams.
   */
  static final int DIRECT_BYTES = 16 * 1024;
  /**
   * A direct write that took this long found the socket full after all, or a slow reader: the handler
   * writes the rest. Not lower: on a shared host a write is now and then preempted for milliseconds, and
   * each hand-back costs its stream a wake-up per token from then on (with 2 ms, the 16-session TTFT
   * overhead went from 1.6 to 2.2 ms). The byte budget, not this, is what keeps a stalled reader from
   * blocking the writer.
   */
  private static final long SLOW_WRITE_NANOS = 50_000_000L;
  private final HttpExchange ex;
  private final CompletionRequest req;
  private final List<Sequence> choices;
  private final TokenStream stream;
  private final SseChunks chunks;
  /** Chat choices whose role chunk was sent; guarded by the stream's drain lock, as {@link #sent}. */
  private final boolean[] opened;
  private int sent;

  ResponseWriter(HttpExchange ex, CompletionRequest req, List<Sequence> choices, TokenStream stream,
                 SseChunks chunks) {
    this.ex = ex;
    this.req = req;
    this.choices = choices;
    this.stream = stream;
    this.chunks = chunks;
    this.opened = new boolean[choices.size()];
  }

  /**
   * Streams every choice to its end. With {@code cutAfter >= 0} (a fault) the body ends cleanly after
   * that many tokens, with no finish_reason, usage or {@code [DONE]}.
   *
   * <p>Once the headers are out the stream goes direct ({@link TokenStream#goDirect}): the pod's
   * {@link StepWriter} writes its plain tokens, and this thread wakes only for what it alone writes
   * (the last token with usage and {@code [DONE]}, a cut, an abort) or once the writer handed the stream
   * back. Both write the same chunks through {@link #append}, under the stream's drain lock.
   *
   * @return whether every choice finished and the stream was complete
   */
  boolean stream(int cutAfter) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    int finished = 0;
    try {
      stream.goDirect(new Direct(out, cutAfter));
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
          append(batch, ev);
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
    } finally {
      stream.release();
    }
  }

  /** A token's chunk, opened by its choice's role chunk in chat; counts it as sent. */
  private void append(StringBuilder batch, TokenStream.Event ev) {
    // vLLM sends a chat choice's role chunk with its first engine output, i.e. after prefill: sending
    // it earlier would let a client's TTFT ("first chunk with choices") skip the prefill entirely.
    if (req.chat() && !opened[ev.choice()]) {
      batch.append(chunks.roleChunk(ev.choice()));
      opened[ev.choice()] = true;
    }
    batch.append(chunks.tokenChunk(ev.choice(), ev.index(), ev.finishReason()));
    sent++;
  }

  /**
   * Waits for every choice to finish, then answers with all of them.
   *
   * @return true (the answer was sent); a failure throws
   */
  boolean whole() throws IOException {
    try {
      return answerWhole();
    } finally {
      stream.release();
    }
  }

  private boolean answerWhole() throws IOException {
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

  /**
   * The part of a stream the pod's writer writes: plain tokens, up to {@link #DIRECT_BYTES} in all and
   * while no write was slow, and short of a cut fault's limit (the handler writes the cut, as the end).
   */
  private final class Direct implements TokenStream.DirectSink {
    private final OutputStream out;
    private final int cutAfter;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream();
    private long written;
    private boolean slow;

    Direct(OutputStream out, int cutAfter) {
      this.out = out;
      this.cutAfter = cutAfter;
    }

    @Override
    public boolean offer(TokenStream.Event ev) {
      if (!ev.isPlainToken() || slow || (cutAfter >= 0 && sent >= cutAfter)) {
        return false;
      }
      StringBuilder chunk = new StringBuilder();
      boolean wasOpened = opened[ev.choice()];
      append(chunk, ev);
      byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
      if (written + batch.size() + bytes.length > DIRECT_BYTES) {
        opened[ev.choice()] = wasOpened; // not sent after all: the handler writes it
        sent--;
        return false;
      }
      batch.writeBytes(bytes);
      return true;
    }

    @Override
    public void flush() throws IOException {
      if (batch.size() == 0) {
        return;
      }
      long start = System.nanoTime();
      batch.writeTo(out);
      out.flush();
      written += batch.size();
      batch.reset();
      slow = System.nanoTime() - start > SLOW_WRITE_NANOS;
    }
  }

  private static void write(OutputStream out, StringBuilder data) throws IOException {
    if (data.length() > 0) {
      out.write(data.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
