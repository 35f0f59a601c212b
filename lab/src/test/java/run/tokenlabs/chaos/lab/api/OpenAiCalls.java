package run.tokenlabs.chaos.lab.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A minimal streaming OpenAI client for the lab's tests: one request, its TTFT and what came back. */
final class OpenAiCalls {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** What one streamed request saw. TTFT is from {@code startNanos}, the intended start. */
  record Result(int status, long ttftNanos, int dataChunks, boolean done, String finishReason, String usage,
                String error) {}

  static String completionBody(String model, String prompt, int maxTokens, boolean stream) {
    return "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens
        + ",\"ignore_eos\":true,\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true}}";
  }

  private static final java.util.concurrent.atomic.AtomicInteger PROMPTS = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * A prompt of exactly {@code tokens} tokens under the lab's rule, different from every other one this
   * JVM made in its first word (one token): the lab caches prefixes as vLLM does, and the tests that
   * send these prompts measure prefill, which a prompt served from the cache would skip.
   */
  static String words(int tokens) {
    String first = "z" + Integer.toString(36 * 36 + PROMPTS.getAndIncrement() % (36 * 36 * 35), 36);
    return tokens == 1 ? first : first + " " + "tok ".repeat(tokens - 1).trim();
  }

  static Result stream(URI base, String body, long startNanos) {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/completions")).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long ttft = -1;
    int chunks = 0;
    boolean done = false;
    String finish = null;
    String usage = null;
    try {
      HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          return new Result(r.statusCode(), -1, 0, false, null, null, in.lines().reduce("", String::concat));
        }
        for (String line; (line = in.readLine()) != null; ) {
          if (!line.startsWith("data: ")) {
            continue;
          }
          String data = line.substring(6);
          if (data.equals("[DONE]")) {
            done = true;
          } else if (data.contains("\"choices\":[]")) {
            usage = data;
          } else {
            if (ttft < 0) {
              ttft = System.nanoTime() - startNanos;
            }
            chunks++;
            if (!data.contains("\"finish_reason\":null")) {
              finish = data.replaceAll(".*\"finish_reason\":\"([a-z_]+)\".*", "$1");
            }
          }
        }
      }
      return new Result(r.statusCode(), ttft, chunks, done, finish, usage, null);
    } catch (IOException e) {
      return new Result(-1, ttft, chunks, done, finish, usage, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, ttft, chunks, done, finish, usage, e.toString());
    }
  }

  static HttpResponse<String> post(URI url, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String get(URI url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of an un-labelled-beyond-model sample line {@code name{...} value} on a /metrics page. */
  static double metric(String page, String nameAndLabels) {
    for (String line : page.split("\n")) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    throw new AssertionError("no sample " + nameAndLabels + " on the page");
  }

  private OpenAiCalls() {}
}
