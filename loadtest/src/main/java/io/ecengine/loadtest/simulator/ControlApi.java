package io.ecengine.loadtest.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.ecengine.engine.channel.marketplace.Marketplace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A small control API under {@code /_sim}, for running the simulator by hand or from a browser test
 * in another process: {@code GET /_sim/shops} shows every shop, its listings and counters; {@code
 * POST /_sim/{marketplace}/{shopKey}/listings/{listingKey}?shown=N} lists; {@code POST
 * /_sim/{marketplace}/{shopKey}/sales/{listingKey}?quantity=N} sells (409 when the listing shows
 * fewer); {@code POST /_sim/{marketplace}/{shopKey}/webhooks?url=U} sets the webhook URL. It has no
 * authentication: the simulator is a local test tool.
 */
final class ControlApi {

  private final MarketplaceSimulator sim;

  ControlApi(MarketplaceSimulator sim) {
    this.sim = sim;
  }

  void handle(HttpExchange http) throws IOException {
    try {
      Exchange exchange = new Exchange(http, "/_sim", sim.now(), sim.nanos());
      List<String> path = exchange.segments();
      if (exchange.method().equals("GET") && path.size() == 2 && path.get(1).equals("shops")) {
        answer(http, 200, shops().toString());
        return;
      }
      if (!exchange.method().equals("POST") || path.size() < 4) {
        answer(http, 404, "{\"error\":\"unknown control call\"}");
        return;
      }
      SimShop shop = sim.shop(Marketplace.fromId(path.get(1)), path.get(2));
      Map<String, String> query = exchange.query();
      if (path.size() == 5 && path.get(3).equals("listings")) {
        shop.list(path.get(4), Long.parseLong(query.getOrDefault("shown", "0")));
        answer(http, 200, shop(shop).toString());
      } else if (path.size() == 5 && path.get(3).equals("sales")) {
        boolean sold =
            shop.trySell(
                path.get(4),
                Integer.parseInt(query.getOrDefault("quantity", "1")),
                query.getOrDefault("buyer", "control"));
        answer(http, sold ? 200 : 409, "{\"sold\":" + sold + "}");
      } else if (path.size() == 4 && path.get(3).equals("webhooks") && query.containsKey("url")) {
        shop.deliverWebhooksTo(query.get("url"));
        answer(http, 200, "{\"webhooks\":\"" + query.get("url") + "\"}");
      } else {
        answer(http, 404, "{\"error\":\"unknown control call\"}");
      }
    } catch (IllegalArgumentException e) {
      ObjectNode error = MarketplaceSimulator.JSON.createObjectNode();
      error.put("error", e.getMessage());
      answer(http, 400, error.toString());
    }
  }

  private ArrayNode shops() {
    ArrayNode shops = MarketplaceSimulator.JSON.createArrayNode();
    sim.shops().forEach(shop -> shops.add(shop(shop)));
    return shops;
  }

  private static ObjectNode shop(SimShop shop) {
    ObjectNode node = MarketplaceSimulator.JSON.createObjectNode();
    node.put("marketplace", shop.marketplace().id());
    node.put("shopKey", shop.shopKey());
    node.put("baseUrl", shop.baseUrl());
    node.put("calls", shop.calls());
    node.put("throttledCalls", shop.throttledCalls());
    node.put("orders", shop.orders().size());
    node.put("shipmentReports", shop.trackingReports().size());
    ArrayNode listings = node.putArray("listings");
    for (String key : shop.listingKeys()) {
      ObjectNode listing = listings.addObject();
      listing.put("listingKey", key);
      listing.put("shown", shop.shown(key).orElse(0));
      listing.put("unitsSold", shop.unitsSold(key));
      listing.put("pushes", shop.history(key).size());
    }
    return node;
  }

  private static void answer(HttpExchange http, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    http.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    http.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(bytes);
    }
    http.close();
  }
}
