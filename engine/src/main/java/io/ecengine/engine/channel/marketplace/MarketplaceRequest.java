package io.ecengine.engine.channel.marketplace;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP call, fully built and signed, ready for java.net.http. {@code skus} names the stock
 * pushes the call carries (empty for order calls), in the order they appear in the body, so the
 * answer can be matched back to them.
 */
public record MarketplaceRequest(
    String method, URI uri, Map<String, String> headers, byte[] body, List<String> skus) {

  public MarketplaceRequest {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body.clone();
    skus = List.copyOf(skus);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** A header by name, ignoring case as HTTP does. */
  public Optional<String> header(String name) {
    return headers.entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  @Override
  public String toString() {
    // Headers carry tokens and bodies carry buyers' addresses: neither belongs in a log.
    return "MarketplaceRequest[" + method + " " + uri.getPath() + ", " + skus.size() + " SKUs]";
  }
}
