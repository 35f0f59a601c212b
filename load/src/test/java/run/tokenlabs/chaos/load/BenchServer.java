package run.tokenlabs.chaos.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The benchmark's server as a process of its own: {@link SseTestServer} streaming {@code max_tokens}
 * tokens per request at the interval given in microseconds as the first argument (0: unpaced), so that
 * the client JVM's CPU time is the client's alone. It prints {@code port <n>} once listening, then
 * obeys its standard input, one command a line: {@code times <file>} writes the first-token send time
 * of every request since the last such command ({@code <request number> <System.nanoTime()>} per
 * line), forgets them and answers {@code written <count>}; {@code forget} stops keeping them (a soak:
 * the server's heap stays flat) and answers {@code forgetting}; {@code count} answers {@code count <n>},
 * the completion requests served so far; {@code quit}, or the end of its input (the
 * benchmark ended or died), stops it. {@code System.nanoTime()} is the host's monotonic clock on
 * Linux, shared by every process, so the client can subtract these times from its own.
 */
final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    long intervalMicros = args.length > 0 ? Long.parseLong(args[0]) : 0;
    var behaviour = SseTestServer.Behaviour.normal().tokens(-1, Duration.ofNanos(intervalMicros * 1000));
    try (var server = SseTestServer.start(seen -> behaviour)) {
      var out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
      out.println("port " + server.port());
      var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.startsWith("times ")) {
          out.println("written " + writeTimes(server.firstTokenSentNanos(), Path.of(line.substring(6))));
        } else if (line.equals("forget")) {
          server.forgettingFirstTokenTimes();
          out.println("forgetting");
        } else if (line.equals("count")) {
          out.println("count " + server.completions());
        } else {
          out.println("unknown command '" + line + "': expected 'times <file>', 'forget', 'count' or 'quit'");
        }
      }
    }
  }

  private static int writeTimes(Map<Long, Long> times, Path file) throws java.io.IOException {
    var text = new StringBuilder();
    int n = 0;
    for (var it = times.entrySet().iterator(); it.hasNext(); n++) {
      var e = it.next();
      text.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
      it.remove();
    }
    Files.writeString(file, text);
    return n;
  }
}
