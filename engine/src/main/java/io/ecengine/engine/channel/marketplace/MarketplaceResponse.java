package io.ecengine.engine.channel.marketplace;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a marketplace answered to one {@link MarketplaceRequest}. */
public record MarketplaceResponse(int status, Map<String, List<String>> headers, byte[] body) {

  public MarketplaceResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  public static MarketplaceResponse of(int status, String body) {
    return new MarketplaceResponse(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  public static MarketplaceResponse of(int status, Map<String, List<String>> headers, String body) {
    return new MarketplaceResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The first value of a header, ignoring case as HTTP does. */
  public Optional<String> header(String name) {
    return MarketplaceHttp.header(headers, name);
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    return "MarketplaceResponse[" + status + ", " + body.length + " bytes]";
  }
}
