package run.tokenlabs.chaos.load;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.PromptInfo;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * Builds each bucket's prompt to an exact token count, using the server's {@code POST /tokenize}
 * (vLLM: {@code {"count": n, "tokens": [...]}}) to measure and adjust the number of words, a few round
 * trips at most. Where the server has no such route the count is estimated (one token per common
 * English word) and flagged as such in {@link PromptInfo}. The text is deterministic for a seed.
 */
final class PromptFactory {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** One /tokenize answer may take this long; the prompt search asks a few times per bucket. */
  private static final Duration TOKENIZE_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_TOKENIZE_CALLS = 16;
  private static final int PADDING_CALLS = 8;
  /** Short, common words: one token in any real tokenizer, tried to close the last gap. */
  private static final String[] PADDING = {"a", "I", "to", "of"};
  /** Estimated tokens of {@link PreparedPrompt#requestLine(long)} where the server cannot count. */
  private static final int REQUEST_LINE_TOKENS_ESTIMATE = 6;
  private static final String[] WORDS = ("the of and to in is that it was for on are as with his they at be this "
      + "from have or by one had not but what all were when we there can an your which their said if do will "
      + "each about how up out them then she many some so these would other into has more her two like him see "
      + "time could no make than first been its who now people my made over did down only way find use may water "
      + "long little very after words called just where most know get through back much before go good new write "
      + "our used me man too any day same right look think also around another came come work three word must "
      + "because does part even place well such here take why things help put years different away again off went "
      + "old number great tell men say small every found still between name should home big give air line set own "
      + "under read last never us left end along while might next sound below saw something thought both few "
      + "those always looked show large often together asked house world going want school important until form "
      + "food keep children feet land side without boy once animals life enough took sometimes four head above "
      + "kind began almost live page got earth need far hand high year mother light parts country father let night "
      + "following picture being study second eyes soon times story boys since white days ever paper hard near "
      + "sentence better best across during today others however sure means knew its try told young miles sun "
      + "ways thing whole hear example heard several change answer room sea against top turned learn point city "
      + "play toward five using himself usually money seen car morning").split(" ");

  private final OkHttpClient client;
  private final Endpoint endpoint;

  PromptFactory(OkHttpClient client, Endpoint endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  List<PreparedPrompt> prepare(Workload workload) {
    String prefix = workload.sharedPrefixTokens() == 0 ? ""
        : sharedPrefix(workload.sharedPrefixTokens(), workload.seed());
    var prepared = new ArrayList<PreparedPrompt>();
    for (Bucket b : workload.buckets()) {
      prepared.add(prepare(b, workload.seed() ^ b.name().hashCode(), prefix));
    }
    return prepared;
  }

  PreparedPrompt prepare(Bucket bucket, long seed) {
    return prepare(bucket, seed, "");
  }

  /**
   * The shared system prompt: text of about {@code tokens} tokens, searched like a bucket's prompt (so
   * its count is the server's, give or take the few tokens of a request line), the same for a seed.
   */
  String sharedPrefix(int tokens, long seed) {
    return searchText(tokens, seed ^ 0x5eed0f5a1dL).text();
  }

  PreparedPrompt prepare(Bucket bucket, long seed, String prefix) {
    Found found = searchText(bucket.promptTokens(), seed);
    return assemble(bucket, found.text(), prefix, new PromptInfo(bucket.name(), bucket.promptTokens(), found.tokens(),
        found.exact(), found.calls(), 0));
  }

  /** A prompt text and what the search knows of it: its token count, whether the server counted it, the calls spent. */
  private record Found(String text, int tokens, boolean exact, int calls) {}

  private Found searchText(int target, long seed) {
    int[] order = wordOrder(seed, 2 * target + 64);
    Search search = new Search(target);
    int below = searchWords(order, target, search);
    if (search.bestCount >= 0 && search.bestCount != target && below > 0) {
      padWithShortWords(text(order, below), target, search);
    }
    boolean exact = search.bestCount == target;
    int tokens = search.bestCount < 0 ? target : search.bestCount;
    String text = search.bestText != null ? search.bestText
        : text(order, Math.max(1, target - REQUEST_LINE_TOKENS_ESTIMATE));
    return new Found(text, tokens, exact, search.calls);
  }

  /** The closest prompt found so far and the tokenize calls spent. */
  private static final class Search {
    final int target;
    int calls;
    int bestCount = -1;
    String bestText;

    Search(int target) {
      this.target = target;
    }

    void offer(String text, int count) {
      if (bestCount < 0 || Math.abs(count - target) < Math.abs(bestCount - target)) {
        bestText = text;
        bestCount = count;
      }
    }
  }

  /**
   * Searches the number of words from the shuffled list. Token count never falls as words are added:
   * keep the word counts known to be below and above the target, guess proportionally inside that
   * bracket and bisect when the guess leaves it, so the search cannot oscillate around the target.
   *
   * @return the largest word count known to give fewer tokens than the target (0 if none)
   */
  private int searchWords(int[] order, int target, Search search) {
    int words = Math.max(1, target - REQUEST_LINE_TOKENS_ESTIMATE);
    int below = 0;
    int above = order.length + 1;
    while (search.calls < MAX_TOKENIZE_CALLS) {
      String text = text(order, words);
      int count = tokenize(PreparedPrompt.requestLine(0) + text);
      if (count < 0) {
        break;
      }
      search.calls++;
      search.offer(text, count);
      if (count == target) {
        break;
      }
      if (count < target) {
        below = Math.max(below, words);
      } else {
        above = Math.min(above, words);
      }
      int next = nextWords(words, count, target, order.length);
      if (next <= below || next >= above) {
        next = below + (above - below) / 2;
      }
      if (next <= below || next >= above || next > order.length) {
        break;
      }
      words = next;
    }
    return below;
  }

  /**
   * When one more word of the list overshoots (it costs several tokens), appends the shortest words
   * one at a time to the longest prompt below the target: single-token words close the last gap.
   */
  private void padWithShortWords(String belowText, int target, Search search) {
    String text = belowText;
    for (String filler : PADDING) {
      while (search.calls < MAX_TOKENIZE_CALLS + PADDING_CALLS) {
        String candidate = text + " " + filler;
        int count = tokenize(PreparedPrompt.requestLine(0) + candidate);
        if (count < 0) {
          return;
        }
        search.calls++;
        search.offer(candidate, count);
        if (count == target) {
          return;
        }
        if (count > target) {
          break;
        }
        text = candidate;
      }
    }
  }

  private static int nextWords(int words, int count, int target, int available) {
    int diff = target - count;
    int next = Math.abs(diff) * 20 > target ? (int) Math.round((double) words * target / count) : words + diff;
    return Math.max(1, Math.min(available, next));
  }

  private PreparedPrompt assemble(Bucket bucket, String text, String prefix, PromptInfo info) {
    byte[] shared = new String(JsonStringEncoder.getInstance().quoteAsString(text)).getBytes(StandardCharsets.UTF_8);
    String model = new String(JsonStringEncoder.getInstance().quoteAsString(endpoint.model()));
    var head = new StringBuilder("{\"model\":\"").append(model).append("\",\"stream\":true");
    if (endpoint.includeUsage()) {
      head.append(",\"stream_options\":{\"include_usage\":true}");
    }
    head.append(",\"max_tokens\":").append(bucket.maxTokens());
    if (endpoint.ignoreEos()) {
      head.append(",\"ignore_eos\":true");
    }
    String tail;
    String escapedPrefix = new String(JsonStringEncoder.getInstance().quoteAsString(prefix));
    int userStart;
    if (endpoint.api() == ApiFlavor.CHAT) {
      head.append(",\"messages\":[");
      if (!prefix.isEmpty()) {
        head.append("{\"role\":\"system\",\"content\":\"").append(escapedPrefix).append("\"},");
      }
      userStart = utf8Length(head);
      head.append("{\"role\":\"user\",\"content\":\"");
      tail = "\"}]}";
    } else {
      head.append(",\"prompt\":\"");
      if (!prefix.isEmpty()) {
        head.append(escapedPrefix).append("\\n\\n");
      }
      userStart = utf8Length(head);
      tail = "\"}";
    }
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] tailBytes = tail.getBytes(StandardCharsets.UTF_8);
    var sized = new PromptInfo(info.bucket(), info.targetTokens(), info.promptTokens(), info.exact(),
        info.tokenizeCalls(), headBytes.length + PreparedPrompt.requestLine(0).length() + shared.length + tailBytes.length);
    return new PreparedPrompt(bucket, headBytes, userStart, shared, tailBytes, sized);
  }

  private static int utf8Length(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  /** The server's token count of {@code prompt} as this endpoint would send it, or -1 if it cannot count. */
  private int tokenize(String prompt) {
    ObjectNode body = MAPPER.createObjectNode().put("model", endpoint.model());
    if (endpoint.api() == ApiFlavor.CHAT) {
      body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    } else {
      body.put("prompt", prompt);
    }
    return TokenizeCall.count(client, endpoint, body, TOKENIZE_TIMEOUT);
  }

  private static int[] wordOrder(long seed, int length) {
    var random = new SplittableRandom(seed);
    int[] order = new int[length];
    for (int i = 0; i < length; i++) {
      order[i] = random.nextInt(WORDS.length);
    }
    return order;
  }

  private static String text(int[] order, int words) {
    var sb = new StringBuilder(words * 6);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[order[i]]);
    }
    return sb.toString();
  }
}
