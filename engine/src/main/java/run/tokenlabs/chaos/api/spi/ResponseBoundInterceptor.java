package run.tokenlabs.chaos.api.spi;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A fabric8 interceptor that counts the bytes of every HTTP response body as they arrive and fails
 * the response once it passes the bound, before the client has buffered it whole. A watch or a
 * followed log is a stream of newline-separated events that may rightly run for hours, so there the
 * bound applies to each line, not to the connection.
 */
final class ResponseBoundInterceptor implements Interceptor {
  static final String NAME = "tokenlabs-response-bound";
  private final long maxBytes;

  ResponseBoundInterceptor(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer,
                                                       HttpRequest request) {
    return new Counting(consumer, request, maxBytes, isStream(request));
  }

  /** Whether the response is an open-ended stream of lines: a watch, or a followed log. */
  static boolean isStream(HttpRequest request) {
    if (request instanceof StandardHttpRequest standard && standard.isForStreaming()) {
      return true;
    }
    String query = request.uri().getRawQuery();
    if (query == null) {
      return false;
    }
    for (String pair : query.split("&")) {
      if (pair.equals("watch=true") || pair.equals("watch=1") || pair.equals("follow=true")) {
        return true;
      }
    }
    return false;
  }

  /** Counts one response's bytes (or its current line's) and passes them on while under the bound. */
  private static final class Counting implements AsyncBody.Consumer<List<ByteBuffer>> {
    private final AsyncBody.Consumer<List<ByteBuffer>> delegate;
    private final HttpRequest request;
    private final long maxBytes;
    private final boolean perLine;
    private long count;
    private boolean failed;

    Counting(AsyncBody.Consumer<List<ByteBuffer>> delegate, HttpRequest request, long maxBytes, boolean perLine) {
      this.delegate = delegate;
      this.request = request;
      this.maxBytes = maxBytes;
      this.perLine = perLine;
    }

    @Override
    public void consume(List<ByteBuffer> value, AsyncBody asyncBody) throws Exception {
      if (failed) {
        return;
      }
      for (ByteBuffer buffer : value) {
        if (!withinBound(buffer)) {
          failed = true;
          // Fail the body with this error before cancelling it: the cancel resets the stream, and
          // the first completion is the one the caller sees.
          asyncBody.done().completeExceptionally(
              new KubernetesResponseTooLargeException(request.method(), shown(request.uri()), maxBytes, perLine));
          asyncBody.cancel();
          return;
        }
      }
      delegate.consume(value, asyncBody);
    }

    private boolean withinBound(ByteBuffer buffer) {
      if (!perLine) {
        count += buffer.remaining();
      } else {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
          count = buffer.get(i) == '\n' ? 0 : count + 1;
          if (count > maxBytes) {
            break;
          }
        }
      }
      return count <= maxBytes;
    }

    @Override
    public <U> U unwrap(Class<U> type) {
      return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }
  }

  /** The URL without user info or query: enough to name the call, nothing that could be a secret. */
  private static String shown(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
  }
}
