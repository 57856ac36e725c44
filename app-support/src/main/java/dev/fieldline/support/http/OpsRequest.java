package dev.fieldline.support.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A GET request as a route sees it: the path already decoded strictly (the server refused encoded
 * separators, dot segments and invalid UTF-8), its segments, the query parameters and the verified
 * caller.
 *
 * @param path the decoded path, e.g. {@code /devices/dev-0001}
 * @param segments the path's segments after the route's prefix, decoded, never empty strings
 * @param query the query parameters, decoded (the first value of each)
 * @param caller who called, from the client certificate
 * @param grants what the caller may read (a route already checked its own access)
 * @param headers a request header's value by name, if present
 */
public record OpsRequest(
    String path,
    List<String> segments,
    Map<String, String> query,
    Caller caller,
    Set<Access> grants,
    Function<String, String> headers) {

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.apply(name));
  }
}
