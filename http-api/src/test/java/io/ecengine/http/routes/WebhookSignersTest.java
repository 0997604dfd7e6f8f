package io.ecengine.http.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ecengine.persistence.ChannelStore;
import io.ecengine.persistence.ChannelStore.ChannelSettings;
import io.ecengine.persistence.MutableClock;
import io.ecengine.persistence.SecretBox;
import io.ecengine.persistence.TestDatabase;
import io.ecengine.persistence.Vendor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which channel signed a webhook, found without reading the database for every delivery of a burst,
 * yet never letting in more than the database would for longer than the max age.
 */
class WebhookSignersTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final TestDatabase db = TestDatabase.migrated(Vendor.H2);
  private final AtomicInteger connections = new AtomicInteger();
  private final ChannelStore channels =
      new ChannelStore(
          counting(db.dataSource(), connections),
          SecretBox.fromConfig(
              ConfigFactory.parseMap(Map.of("ec.secrets.key", SecretBox.generateKey()))));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final WebhookSigners signers = new WebhookSigners(channels, MAX_AGE, clock);

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aChannelThatVerifiedIsUsedAgainWithoutAskingTheDatabase() {
    channels.put("acme", "shop-1", shopify("secret-a"));

    assertThat(find("shopify", "shop-1", "secret-a"))
        .map(WebhookSigners.Signer::tenantId)
        .contains("acme");
    int asked = connections.get();
    clock.advance(Duration.ofSeconds(4));

    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();
    assertThat(connections.get()).as("database connections taken").isEqualTo(asked);
    clock.advance(Duration.ofSeconds(1));
    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();
    assertThat(connections.get()).as("database connections taken").isGreaterThan(asked);
  }

  @Test
  void aNewSecretVerifiesAtOnce() {
    channels.put("acme", "shop-1", shopify("secret-a"));
    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();

    channels.put("acme", "shop-1", shopify("secret-b"));

    assertThat(find("shopify", "shop-1", "secret-b")).isPresent();
    assertThat(find("shopify", "shop-1", "secret-a")).isEmpty();
  }

  @Test
  void aReplacedSecretVerifiesNoLongerThanTheMaxAge() {
    channels.put("acme", "shop-1", shopify("secret-a"));
    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();

    channels.put("acme", "shop-1", shopify("secret-b"));
    clock.advance(MAX_AGE);

    assertThat(find("shopify", "shop-1", "secret-a")).isEmpty();
  }

  @Test
  void theSameChannelIdOfTwoTenantsIsToldApartByTheSecret() {
    channels.put("acme", "shop", shopify("acme-secret"));
    channels.put("globex", "shop", shopify("globex-secret"));

    assertThat(find("shopify", "shop", "acme-secret"))
        .map(WebhookSigners.Signer::tenantId)
        .contains("acme");
    assertThat(find("shopify", "shop", "globex-secret"))
        .map(WebhookSigners.Signer::tenantId)
        .contains("globex");
    assertThat(find("shopify", "shop", "acme-secret"))
        .map(WebhookSigners.Signer::tenantId)
        .contains("acme");
  }

  @Test
  void anotherMarketplaceAnUnknownChannelOrAWrongSecretFindNobody() {
    channels.put("acme", "shop-1", shopify("secret-a"));
    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();

    assertThat(find("tiktok", "shop-1", "secret-a")).isEmpty();
    assertThat(find("shopify", "shop-2", "secret-a")).isEmpty();
    assertThat(find("shopify", "shop-1", "forged")).isEmpty();
    // A failed attempt does not push out what verified before.
    int asked = connections.get();
    assertThat(find("shopify", "shop-1", "secret-a")).isPresent();
    assertThat(connections.get()).isEqualTo(asked);
  }

  private Optional<WebhookSigners.Signer> find(String marketplace, String channelId, String key) {
    Predicate<WebhookSigners.Signer> verifies =
        signer -> signer.credentials().require("client_secret").equals(key);
    return signers.find(marketplace, channelId, verifies);
  }

  private static ChannelSettings shopify(String secret) {
    return new ChannelSettings(
        "shopify",
        "https://shop.example",
        Map.of("client_secret", secret, "access_token", "shpat_x"),
        null,
        null,
        null,
        null);
  }

  /** The data source, counting the connections taken from it. */
  private static DataSource counting(DataSource target, AtomicInteger connections) {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                connections.incrementAndGet();
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
