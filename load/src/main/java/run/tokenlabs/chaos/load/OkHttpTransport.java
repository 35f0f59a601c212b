package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Outcome;

/** Sends each request through OkHttp's asynchronous dispatcher, one thread per stream (see {@link HttpClients}). */
final class OkHttpTransport implements Transport {
  private final OkHttpClient client;
  private final HttpUrl url;
  private final Endpoint endpoint;
  private final StreamConsumer consumer;
  private final Finisher finisher;
  private final Consumer<String> runErrors;

  OkHttpTransport(OkHttpClient client, Endpoint endpoint, StreamConsumer consumer, Finisher finisher,
      Consumer<String> runErrors) {
    this.client = client;
    this.url = HttpUrl.get(endpoint.baseUrl() + endpoint.api().path());
    this.endpoint = endpoint;
    this.consumer = consumer;
    this.finisher = finisher;
    this.runErrors = runErrors;
  }

  @Override
  public void send(Exchange ex, SlicedBody body) {
    var request = new Request.Builder().url(url).post(body)
        .header("Accept", "text/event-stream")
        .tag(Exchange.class, ex);
    endpoint.bearerToken().ifPresent(t -> request.header("Authorization", "Bearer " + t.reveal()));
    Call call = client.newCall(request.build());
    ex.call = call;
    try {
      call.enqueue(new Callback() {
        @Override
        public void onFailure(Call c, IOException e) {
          finisher.finish(ex, Classifier.afterCallFailure(ex, e));
        }

        @Override
        public void onResponse(Call c, Response response) {
          finisher.finish(ex, consumeSafely(ex, response));
        }
      });
    } catch (RuntimeException e) {
      finisher.finish(ex, Verdict.of(Outcome.REJECTED, e.getClass().getSimpleName(),
          "client refused the call: " + e.getMessage()));
    }
  }

  private Verdict consumeSafely(Exchange ex, Response response) {
    try (response) {
      return consumer.consume(ex, response);
    } catch (RuntimeException e) {
      runErrors.accept("Request " + ex.id + ": the client failed reading its stream: " + e);
      return Verdict.of(Outcome.MALFORMED, e.getClass().getSimpleName(), "client failure: " + e.getMessage());
    }
  }

  @Override
  public boolean accepting() {
    return !client.dispatcher().executorService().isShutdown();
  }

  @Override
  public int queued() {
    return client.dispatcher().queuedCallsCount();
  }

  @Override
  public String queueState() {
    return "OkHttp dispatcher: " + client.dispatcher().runningCallsCount() + " running, "
        + client.dispatcher().queuedCallsCount() + " queued, max " + client.dispatcher().getMaxRequestsPerHost()
        + " per host";
  }

  /** The client is the runner's: it shuts it down after the run, together with what built the prompts. */
  @Override
  public void close() {}
}
