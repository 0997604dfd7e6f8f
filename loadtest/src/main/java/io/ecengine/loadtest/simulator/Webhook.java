package io.ecengine.loadtest.simulator;

import java.util.Map;

/** One webhook as the marketplace sends it: signed headers and the exact body bytes. */
record Webhook(String deliveryId, String orderId, Map<String, String> headers, byte[] body) {

  Webhook {
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
