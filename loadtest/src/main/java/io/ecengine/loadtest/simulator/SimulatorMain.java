package io.ecengine.loadtest.simulator;

import io.ecengine.engine.channel.marketplace.Marketplace;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the marketplace simulator on its own, with one shop per marketplace and one listing each,
 * and prints what a channel for each shop is configured with: its marketplace, base URL and
 * credentials (the body of {@code PUT /v1/channels/{channelId}}), and the listing's ids.
 *
 * <pre>
 * java -cp ... io.ecengine.loadtest.simulator.SimulatorMain [--port 8089] [--host 127.0.0.1]
 *     [--webhooks http://localhost:8080]
 * </pre>
 *
 * With {@code --webhooks}, TikTok Shop and Shopify sales are delivered to {@code
 * <engine>/webhooks/tiktok_shop/sim-tiktok} and {@code <engine>/webhooks/shopify/sim-shopify}, so
 * the channels should have those ids.
 */
public final class SimulatorMain {

  private static final Map<Marketplace, String[]> DEMO = new LinkedHashMap<>();

  static {
    // marketplace -> shop key, listing key, suggested channel id
    DEMO.put(
        Marketplace.TIKTOK_SHOP,
        new String[] {"sim-cipher", "1729000000000000001:1729000000000000101", "sim-tiktok"});
    DEMO.put(
        Marketplace.RAKUTEN, new String[] {"sim-rakuten", "sim-item:sim-variant", "sim-rakuten"});
    DEMO.put(Marketplace.YAHOO_SHOPPING, new String[] {"sim-store", "sim-item", "sim-yahoo"});
    DEMO.put(Marketplace.AMAZON, new String[] {"A1SIMSELLER", "SIM-SKU-1", "sim-amazon"});
    DEMO.put(Marketplace.SHOPIFY, new String[] {"sim-shop.myshopify.com", "7001:1", "sim-shopify"});
  }

  private SimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    MarketplaceSimulator.Settings settings =
        MarketplaceSimulator.Settings.defaults().withPort(8089);
    String engine = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> settings = settings.withPort(Integer.parseInt(args[i + 1]));
        case "--host" -> settings = settings.withHost(args[i + 1]);
        case "--webhooks" -> engine = args[i + 1];
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
    }
    MarketplaceSimulator sim = MarketplaceSimulator.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stopped.countDown();
                }));

    StringBuilder out = new StringBuilder();
    out.append("Marketplace simulator on port ").append(sim.port()).append('\n');
    for (Map.Entry<Marketplace, String[]> demo : DEMO.entrySet()) {
      Marketplace marketplace = demo.getKey();
      String[] names = demo.getValue();
      SimShop shop = sim.shop(marketplace, names[0]);
      shop.list(names[1], 0);
      if (engine != null
          && (marketplace == Marketplace.TIKTOK_SHOP || marketplace == Marketplace.SHOPIFY)) {
        shop.deliverWebhooksTo(engine + "/webhooks/" + marketplace.id() + "/" + names[2]);
      }
      Map<String, Object> channel = new LinkedHashMap<>();
      channel.put("marketplace", marketplace.id());
      channel.put("baseUrl", shop.baseUrl());
      channel.put("credentials", shop.credentials());
      out.append('\n')
          .append(marketplace.id())
          .append(" (shop ")
          .append(names[0])
          .append(", suggested channel id ")
          .append(names[2])
          .append(")\n  PUT /v1/channels/")
          .append(names[2])
          .append("  ")
          .append(json(channel))
          .append("\n  listing ")
          .append(names[1])
          .append(": PUT /v1/channels/")
          .append(names[2])
          .append("/listings/{sku}  ")
          .append(json(Map.of("ids", shop.listingIds(names[1]))))
          .append('\n');
    }
    out.append("\nControl: GET http://")
        .append(settings.host())
        .append(':')
        .append(sim.port())
        .append("/_sim/shops; POST /_sim/{marketplace}/{shopKey}/listings/{listingKey}?shown=N;")
        .append(" POST /_sim/{marketplace}/{shopKey}/sales/{listingKey}?quantity=N\n");
    System.out.println(out);
    stopped.await();
  }

  private static String json(Object value) {
    try {
      return MarketplaceSimulator.JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
