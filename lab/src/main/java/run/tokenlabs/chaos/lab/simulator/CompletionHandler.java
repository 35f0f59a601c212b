package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import run.tokenlabs.chaos.lab.http.HttpServers;

/**
 * Serves completions and chat completions: validates, queues a {@link Sequence}, then streams its
 * tokens as SSE (or answers once, non-streaming). Faults armed in {@link FaultState} act here.
 */
final class CompletionHandler {
  private final SimulatorConfig config;
  private final FaultState faults;
  private final EngineMetrics metrics;
  private final StepLoop loop;
  private final ObjectMapper json;
  private final AtomicLong ids = new AtomicLong();

  CompletionHandler(SimulatorConfig config, FaultState faults, EngineMetrics metrics, StepLoop loop,
                    ObjectMapper json) {
    this.config = config;
    this.faults = faults;
    this.metrics = metrics;
    this.loop = loop;
    this.json = json;
  }

  void handle(HttpExchange ex, boolean chat) throws IOException {
    String handler = chat ? "/v1/chat/completions" : "/v1/completions";
    if (!"POST".equals(ex.getRequestMethod())) {
      error(ex, handler, 405, "Method Not Allowed: use POST", "MethodNotAllowed");
      return;
    }
    byte[] body = HttpServers.readBody(ex);
    if (faults.drawReset()) {
      throw HttpServers.resetConnection("fault: reset connection");
    }
    int injected = faults.drawError();
    if (injected != 0) {
      error(ex, handler, injected, "Injected fault: internal server error", "InternalServerError");
      return;
    }
    CompletionRequest req;
    try {
      req = CompletionRequest.parse(json, body, chat);
    } catch (CompletionRequest.BadRequest e) {
      error(ex, handler, 400, e.getMessage(), "BadRequestError");
      return;
    }
    if (!config.modelName().equals(req.model())) {
      error(ex, handler, 404, "The model `" + req.model() + "` does not exist.", "NotFoundError");
      return;
    }
    int maxLen = config.scheduler().maxModelLen();
    int requested = req.promptTokens() + (req.maxTokens() == null ? 0 : req.maxTokens());
    if (req.promptTokens() >= maxLen || requested > maxLen) {
      error(ex, handler, 400, "This model's maximum context length is " + maxLen + " tokens. However, you requested "
          + requested + " tokens (" + req.promptTokens() + " in the messages, "
          + (req.maxTokens() == null ? 0 : req.maxTokens()) + " in the completion). Please reduce the length of the"
          + " messages or completion.", "BadRequestError");
      return;
    }
    long id = ids.incrementAndGet();
    TokenStream stream = new TokenStream();
    Sequence seq = newSequence(id, req, stream);
    metrics.http(handler, "POST", 200);
    loop.submit(seq);
    String responseId = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    SseChunks chunks = new SseChunks(chat, responseId, config.modelName(), reasoningTokens(seq));
    try {
      if (req.stream()) {
        stream(ex, req, seq, stream, chunks);
      } else {
        whole(ex, req, seq, stream, chunks);
      }
    } catch (IOException e) {
      seq.abort(); // the client went away
      throw e;
    }
  }

  void tokenize(HttpExchange ex) throws IOException {
    try {
      var root = json.readTree(HttpServers.readBody(ex));
      int n = root.has("messages") ? CompletionRequest.chatTokens(root.get("messages"))
          : CompletionRequest.promptTokens(root.get("prompt"));
      StringBuilder tokens = new StringBuilder();
      for (int i = 0; i < n; i++) {
        tokens.append(i == 0 ? "" : ",").append(1000 + i % 30000);
      }
      metrics.http("/tokenize", "POST", 200);
      HttpServers.json(ex, 200, "{\"count\":" + n + ",\"max_model_len\":" + config.scheduler().maxModelLen()
          + ",\"tokens\":[" + tokens + "],\"token_strs\":null}");
    } catch (CompletionRequest.BadRequest e) {
      error(ex, "/tokenize", 400, e.getMessage(), "BadRequestError");
    } catch (IOException e) {
      error(ex, "/tokenize", 400, "Request body is not valid JSON", "BadRequestError");
    }
  }

  private Sequence newSequence(long id, CompletionRequest req, TokenStream stream) {
    int room = config.scheduler().maxModelLen() - req.promptTokens();
    int natural = Math.min(naturalLength(id), room);
    int target;
    boolean limit;
    if (req.maxTokens() != null && (req.ignoreEos() || natural >= req.maxTokens())) {
      target = req.maxTokens();
      limit = true;
    } else {
      target = natural;
      limit = natural == room;
    }
    return new Sequence(id, req.promptTokens(), Math.max(1, target), limit, stream, System.nanoTime());
  }

  /** Log-normal around the model's mean, seeded per request so a run repeats. */
  private int naturalLength(long id) {
    Random r = new Random(config.seed() * 31 + id);
    double sigma = 0.5;
    double mu = Math.log(config.meanOutputTokens()) - sigma * sigma / 2;
    return Math.max(1, (int) Math.round(Math.exp(mu + sigma * r.nextGaussian())));
  }

  private int reasoningTokens(Sequence seq) {
    return (int) Math.floor(seq.outputTarget * config.reasoningShare());
  }

  private void stream(HttpExchange ex, CompletionRequest req, Sequence seq, TokenStream stream, SseChunks chunks)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    // vLLM sends the chat role chunk with the first engine output, i.e. after prefill: sending it
    // earlier would let a client's TTFT ("first chunk with choices") skip the prefill entirely.
    boolean rolePending = req.chat();
    int cutAfter = faults.cutAfterTokens();
    int sent = 0;
    while (true) {
      TokenStream.Event ev = await(stream);
      if (ev.isAbort()) {
        throw HttpServers.resetConnection("stream aborted: " + ev.abortReason());
      }
      if (cutAfter >= 0 && sent >= cutAfter) {
        seq.abort(); // fault: end the body cleanly, but with no finish_reason, usage or [DONE]
        out.close();
        ex.close();
        return;
      }
      // Batch what is already there into one flush; the client sees the same events either way.
      StringBuilder batch = new StringBuilder(rolePending ? chunks.roleChunk() : "");
      rolePending = false;
      batch.append(chunks.tokenChunk(ev.index(), ev.finishReason()));
      sent++;
      boolean last = ev.finishReason() != null;
      while (!last && (cutAfter < 0 || sent < cutAfter)) {
        TokenStream.Event more = stream.poll();
        if (more == null || more.isAbort()) {
          if (more != null) {
            write(out, batch.toString());
            throw HttpServers.resetConnection("stream aborted: " + more.abortReason());
          }
          break;
        }
        batch.append(chunks.tokenChunk(more.index(), more.finishReason()));
        sent++;
        last = more.finishReason() != null;
      }
      if (last) {
        if (req.includeUsage()) {
          batch.append(chunks.usageChunk(req.promptTokens(), sent));
        }
        batch.append("data: [DONE]\n\n");
        write(out, batch.toString());
        out.close();
        ex.close();
        return;
      }
      write(out, batch.toString());
    }
  }

  private void whole(HttpExchange ex, CompletionRequest req, Sequence seq, TokenStream stream, SseChunks chunks)
      throws IOException {
    int count = 0;
    String finish;
    while (true) {
      TokenStream.Event ev = await(stream);
      if (ev.isAbort()) {
        throw HttpServers.resetConnection("request aborted: " + ev.abortReason());
      }
      count++;
      if (ev.finishReason() != null) {
        finish = ev.finishReason();
        break;
      }
    }
    HttpServers.json(ex, 200, chunks.whole(req.promptTokens(), count, finish));
  }

  private static TokenStream.Event await(TokenStream stream) throws IOException {
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

  private static void write(OutputStream out, String data) throws IOException {
    out.write(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.flush();
  }

  private void error(HttpExchange ex, String handler, int status, String message, String type) throws IOException {
    metrics.http(handler, ex.getRequestMethod(), status);
    HttpServers.json(ex, status, OpenAiErrors.body(message, type, status));
  }
}
