package run.tokenlabs.chaos.lab.http;

/**
 * Error bodies in the shape vLLM's OpenAI server returns them from 0.10.1 on, which is also the
 * OpenAI API's: {@code {"error": {"message": ..., "type": ..., "param": ..., "code": <HTTP status>}}}.
 * Official clients read {@code error.message} from that object; a flat body (vLLM before 0.10.1) or
 * an empty one makes them report "status code (no body)".
 *
 * <p>{@code type} follows vLLM: the error class it names for request errors ({@code BadRequestError},
 * {@code NotFoundError}, {@code InternalServerError}), and the HTTP reason phrase for errors its
 * web framework raises (vLLM's handler of {@code HTTPException} does that).
 */
public final class OpenAiErrors {
  /** vLLM's type of a request it refuses (bad parameters, context too long). */
  public static final String BAD_REQUEST = "BadRequestError";
  /** vLLM's type of an unknown model. */
  public static final String NOT_FOUND = "NotFoundError";
  /** vLLM's type of an error inside the engine. */
  public static final String INTERNAL = "InternalServerError";

  private OpenAiErrors() {}

  /** The body for {@code status}, with no {@code param}. */
  public static String body(String message, String type, int status) {
    return body(message, type, null, status);
  }

  /** The body for {@code status}; {@code param} names the request field at fault, or null. */
  public static String body(String message, String type, String param, int status) {
    return "{\"error\":{\"message\":\"" + escape(message) + "\",\"type\":\"" + escape(type) + "\",\"param\":"
        + (param == null ? "null" : "\"" + escape(param) + "\"") + ",\"code\":" + status + "}}";
  }

  /** vLLM's answer for a model it does not serve (404). */
  public static String unknownModel(String model) {
    return body("The model `" + model + "` does not exist.", NOT_FOUND, 404);
  }

  /** An error vLLM's web framework raises (unknown route, wrong method): the reason phrase is the type. */
  public static String framework(int status) {
    String phrase = reasonPhrase(status);
    return body(phrase, phrase, status);
  }

  /** The type vLLM gives a server error of this status: its class for 500, else the reason phrase. */
  public static String serverErrorType(int status) {
    return status == 500 ? INTERNAL : reasonPhrase(status);
  }

  /** The HTTP reason phrase of the statuses the lab answers. */
  public static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }

  /** Escapes a string for a JSON string literal (quotes, backslashes, control characters). */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
