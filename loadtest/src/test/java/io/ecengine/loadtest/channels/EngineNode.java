package io.ecengine.loadtest.channels;

import com.typesafe.config.ConfigFactory;
import io.ecengine.http.Server;
import io.ecengine.loadtest.EngineClient;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts engine nodes for the end-to-end channel tests: random ports, a known admin key and
 * credentials key (so a second node on the same database reads the first one's channels), and
 * channel timers short enough for a test.
 */
final class EngineNode {

  static final String ADMIN_KEY = "e2e-admin-key";
  // 32 bytes, base64: the AES key channel credentials are sealed with, shared by every node.
  static final String SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

  private EngineNode() {}

  /** Channel timers for tests: quick pulls, write-backs, back-offs and reconciliation. */
  static Map<String, Object> quickChannels() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("ec.channels.order-poll-interval", "1s");
    // Webhook marketplaces are pulled only as a backstop; rarely, so that their orders are seen
    // to arrive by webhook.
    settings.put("ec.channels.order-reconcile-interval", "10 minutes");
    settings.put("ec.channels.reconcile-interval", "3s");
    settings.put("ec.channels.writeback-poll-interval", "500ms");
    settings.put("ec.channels.min-backoff", "200ms");
    settings.put("ec.channels.max-backoff", "2s");
    settings.put("ec.channels.directory-max-age", "1s");
    return settings;
  }

  static Server startOnH2(Map<String, Object> extra) {
    return start("jdbc:h2:mem:e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", extra);
  }

  static Server start(String url, String user, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(quickChannels());
    config.put("ec.db.url", url);
    config.put("ec.db.user", user);
    config.put("ec.db.password", "");
    config.put("ec.http.port", 0);
    config.put("ec.http.interface", "127.0.0.1");
    config.put("ec.http.admin-key", ADMIN_KEY);
    config.put("ec.secrets.key", SECRETS_KEY);
    config.put("pekko.remote.artery.canonical.port", 0);
    config.put("pekko.coordinated-shutdown.exit-jvm", "off");
    config.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    config.putAll(extra);
    return Server.start(ConfigFactory.parseMap(config));
  }

  static URI base(Server server) {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  static EngineClient newTenant(Server server, String tenantId) {
    return new EngineClient(base(server), newTenantKey(server, tenantId));
  }

  /** Creates a tenant and returns its API key, to reach it on another node later. */
  static String newTenantKey(Server server, String tenantId) {
    return new EngineClient(base(server), ADMIN_KEY)
        .post("/v1/tenants", Map.of("tenantId", tenantId, "name", tenantId))
        .requireSuccess()
        .json()
        .path("apiKey")
        .asText();
  }
}
