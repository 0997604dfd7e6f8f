package io.ecengine.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.UUID;

/** Starts engine nodes for tests: random ports, their own database, a known admin key. */
final class TestNode {

  static final String ADMIN_KEY = "test-admin-key";

  private TestNode() {}

  /** A node on a fresh in-memory H2 database. */
  static Server startOnH2() {
    return startOnH2(Map.of());
  }

  /** A node on a fresh in-memory H2 database, with {@code extra} over the test settings. */
  static Server startOnH2(Map<String, Object> extra) {
    return start("jdbc:h2:mem:ec-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", extra);
  }

  static Server start(String url, String user, String password, Map<String, Object> extra) {
    Config config =
        ConfigFactory.parseMap(extra)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "ec.db.url",
                        url,
                        "ec.db.user",
                        user,
                        "ec.db.password",
                        password,
                        "ec.http.port",
                        0,
                        "ec.http.interface",
                        "127.0.0.1",
                        "ec.http.admin-key",
                        ADMIN_KEY,
                        "pekko.remote.artery.canonical.port",
                        0,
                        "pekko.coordinated-shutdown.exit-jvm",
                        "off",
                        "pekko.cluster.jmx.multi-mbeans-in-same-jvm",
                        "on",
                        "ec.cluster.shutdown.drain",
                        "0s")));
    return Server.start(config);
  }
}
