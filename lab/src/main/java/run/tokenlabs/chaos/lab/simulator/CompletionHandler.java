package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.http.OpenAiErrors;

/**
 * Serves completions and chat completions: validates as vLLM does, queues one {@link Sequence} per
 * choice ({@code n}), then has a {@link ResponseWriter} stream their tokens as SSE or answer once.
 * Every refusal is an OpenAI-shaped error ({@link OpenAiErrors}). Faults armed in
 * {@link FaultState} act here.
 */
final class CompletionHandler {
  private final SimulatorConfig config;
  private final FaultState faults;
  private final EngineMetrics metrics;
  private final StepLoop loop;
  private final StepWriter writer;
  private final ObjectMapper json;
  private final AtomicLong ids = new AtomicLong();

  CompletionHandler(SimulatorConfig config, FaultState faults, EngineMetrics metrics, StepLoop loop,
                    StepWriter writer, ObjectMapper json) {
    this.config = config;
    this.faults = faults;
    this.metrics = metrics;
    this.loop = loop;
    this.writer = writer;
    this.json = json;
  }

  void handle(HttpExchange ex, boolean chat) throws IOException {
    long received = System.nanoTime();
    if (!"POST".equals(ex.getRequestMethod())) {
      HttpServers.json(ex, 405, OpenAiErrors.framework(405));
      return;
    }
    byte[] body = HttpServers.readBody(ex);
    if (faults.drawReset()) {
      throw HttpServers.resetConnection("fault: reset connection");
    }
    int injected = faults.drawError();
    if (injected != 0) {
      HttpServers.json(ex, injected, OpenAiErrors.body("Injected fault: the engine failed this request (HTTP "
          + injected + ")", OpenAiErrors.serverErrorType(injected), injected));
      return;
    }
    CompletionRequest req;
    try {
      req = CompletionRequest.parse(json, body, chat);
    } catch (CompletionRequest.BadRequest e) {
      HttpServers.json(ex, 400, OpenAiErrors.body(e.getMessage(), OpenAiErrors.BAD_REQUEST, e.param(), 400));
      return;
    }
    if (!config.modelName().equals(req.model())) {
      HttpServers.json(ex, 404, OpenAiErrors.unknownModel(req.model()));
      return;
    }
    String tooLong = contextTooLong(req);
    if (tooLong != null) {
      HttpServers.json(ex, 400, OpenAiErrors.body(tooLong, OpenAiErrors.BAD_REQUEST, 400));
      return;
    }
    metrics.requests.increment();
    TokenStream stream = new TokenStream(req.stream() ? writer : null);
    List<Sequence> choices = submit(req, stream, received);
    respond(ex, req, choices, stream);
  }

  /** vLLM's refusal of a request that does not fit the context, or null when it fits. */
  private String contextTooLong(CompletionRequest req) {
    int maxLen = config.scheduler().maxModelLen();
    if (req.maxTokens() == null) {
      return req.promptTokens() < maxLen ? null : "This model's maximum context length is " + maxLen + " tokens. "
          + "However, you requested " + req.promptTokens() + " tokens in the messages, Please reduce the length of "
          + "the messages.";
    }
    int requested = req.promptTokens() + req.maxTokens();
    return req.promptTokens() < maxLen && requested <= maxLen ? null : "This model's maximum context length is "
        + maxLen + " tokens. However, you requested " + requested + " tokens (" + req.promptTokens() + " in the "
        + "messages, " + req.maxTokens() + " in the completion). Please reduce the length of the messages or "
        + "completion.";
  }

  private List<Sequence> submit(CompletionRequest req, TokenStream stream, long received) {
    List<Sequence> choices = new ArrayList<>();
    for (int choice = 0; choice < req.n(); choice++) {
      choices.add(newSequence(ids.incrementAndGet(), req, stream.listener(choice)));
    }
    // SGLang's func_latency times generate_request up to handing the request on, not the generation.
    metrics.funcLatency.observe((System.nanoTime() - received) / 1e9);
    choices.forEach(loop::submit);
    return choices;
  }

  private void respond(HttpExchange ex, CompletionRequest req, List<Sequence> choices, TokenStream stream)
      throws IOException {
    String responseId = (req.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    int[] reasoning = choices.stream().mapToInt(s -> (int) Math.floor(s.outputTarget * config.reasoningShare()))
        .toArray();
    SseChunks chunks = new SseChunks(req.chat(), responseId, config.modelName(), reasoning);
    ResponseWriter writer = new ResponseWriter(ex, req, choices, stream, chunks);
    boolean complete = req.stream() ? writer.stream(faults.cutAfterTokens()) : writer.whole();
    if (complete) {
      metrics.requestMaxNumGenerationTokens.observe(choices.stream().mapToInt(Sequence::generated).max().orElse(0));
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
      HttpServers.json(ex, 200, "{\"count\":" + n + ",\"max_model_len\":" + config.scheduler().maxModelLen()
          + ",\"tokens\":[" + tokens + "],\"token_strs\":null}");
    } catch (CompletionRequest.BadRequest e) {
      HttpServers.json(ex, 400, OpenAiErrors.body(e.getMessage(), OpenAiErrors.BAD_REQUEST, e.param(), 400));
    } catch (IOException e) {
      HttpServers.json(ex, 400, OpenAiErrors.body("Request body is not valid JSON", OpenAiErrors.BAD_REQUEST, 400));
    }
  }

  private Sequence newSequence(long id, CompletionRequest req, Sequence.Listener listener) {
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
    var sequence = new Sequence(id, req.promptTokens(), Math.max(1, target), limit, listener, System.nanoTime(), req.n(),
        req.maxTokens() == null ? room : req.maxTokens());
    sequence.blockHashes = req.blockHashes();
    return sequence;
  }

  /** Log-normal around the model's mean, seeded per sequence so a run repeats. */
  private int naturalLength(long id) {
    Random r = new Random(config.seed() * 31 + id);
    double sigma = 0.5;
    double mu = Math.log(config.meanOutputTokens()) - sigma * sigma / 2;
    return Math.max(1, (int) Math.round(Math.exp(mu + sigma * r.nextGaussian())));
  }
}
