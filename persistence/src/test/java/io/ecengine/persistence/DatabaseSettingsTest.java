package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

  private static Config ecDb(String url, String user, String password, int poolSize) {
    return ConfigFactory.parseString(
        String.format(
            "ec.db { url = \"%s\", user = \"%s\", password = \"%s\", pool-size = %d }",
            url, user, password, poolSize));
  }

  @Test
  void emptyUrlSelectsTheEmbeddedH2DatabaseWithItsDefaultAccount() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(ecDb("", "ignored", "ignored", 7));

    assertThat(settings.url()).startsWith("jdbc:h2:file:./data/ec-engine;");
    assertThat(settings.user()).isEqualTo("sa");
    assertThat(settings.password()).isEmpty();
    assertThat(settings.poolSize()).isEqualTo(7);
    assertThat(settings.vendor()).isEqualTo(Vendor.H2);
  }

  @Test
  void readsPostgresSettings() {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(ecDb("jdbc:postgresql://db:5432/ec", "engine", "s3cret", 12));

    assertThat(settings)
        .isEqualTo(new DatabaseSettings("jdbc:postgresql://db:5432/ec", "engine", "s3cret", 12));
    assertThat(settings.vendor()).isEqualTo(Vendor.POSTGRESQL);
  }

  @Test
  void referenceConfigDefinesEverySetting() {
    Config reference = ConfigFactory.defaultReference();

    assertThat(DatabaseSettings.fromConfig(reference).poolSize()).isPositive();
  }

  @Test
  void rejectsUnsupportedDatabases() {
    assertThatThrownBy(
            () -> DatabaseSettings.fromConfig(ecDb("jdbc:mysql://db/ec?password=x", "u", "p", 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported database URL")
        .hasMessageContaining("jdbc:mysql://db/ec")
        .hasMessageNotContaining("password=x");
  }

  @Test
  void rejectsAnEmptyPool() {
    assertThatThrownBy(() -> new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringNeverShowsThePassword() {
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:postgresql://db:5432/ec?user=engine&password=inurl", "engine", "s3cret", 4);

    assertThat(settings.toString())
        .doesNotContain("s3cret")
        .doesNotContain("inurl")
        .contains("engine")
        .contains("jdbc:postgresql://db:5432/ec");
  }

  @Test
  void overlayPointsEveryPekkoPersistencePluginAtOneSharedPostgresPool() {
    Config overlay =
        new DatabaseSettings("jdbc:postgresql://db:5432/ec", "engine", "s3cret", 12).pekkoOverlay();

    assertThat(overlay.getString("pekko.persistence.journal.plugin")).isEqualTo("jdbc-journal");
    assertThat(overlay.getString("pekko.persistence.snapshot-store.plugin"))
        .isEqualTo("jdbc-snapshot-store");
    for (String plugin :
        new String[] {
          "jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal", "jdbc-durable-state-store"
        }) {
      assertThat(overlay.getString(plugin + ".use-shared-db")).isEqualTo("default");
    }
    Config shared = overlay.getConfig("pekko-persistence-jdbc.shared-databases.default");
    assertThat(shared.getString("profile")).isEqualTo("slick.jdbc.PostgresProfile$");
    assertThat(shared.getString("db.url")).isEqualTo("jdbc:postgresql://db:5432/ec");
    assertThat(shared.getString("db.user")).isEqualTo("engine");
    assertThat(shared.getString("db.password")).isEqualTo("s3cret");
    assertThat(shared.getString("db.driver")).isEqualTo("org.postgresql.Driver");
    assertThat(shared.getInt("db.numThreads")).isEqualTo(12);
    assertThat(shared.getInt("db.maxConnections")).isEqualTo(12);
    assertThat(shared.getInt("db.minConnections")).isEqualTo(12);
    assertThat(overlay.getString("pekko.projection.jdbc.dialect")).isEqualTo("postgres-dialect");
    assertThat(
            overlay.getInt(
                "pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size"))
        .isEqualTo(12);
  }

  @Test
  void overlayForH2UsesTheH2ProfileAndDialect() {
    Config overlay = new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 3).pekkoOverlay();

    assertThat(overlay.getString("pekko-persistence-jdbc.shared-databases.default.profile"))
        .isEqualTo("slick.jdbc.H2Profile$");
    assertThat(overlay.getString("pekko-persistence-jdbc.shared-databases.default.db.driver"))
        .isEqualTo("org.h2.Driver");
    assertThat(overlay.getString("pekko.projection.jdbc.dialect")).isEqualTo("h2-dialect");
  }
}
