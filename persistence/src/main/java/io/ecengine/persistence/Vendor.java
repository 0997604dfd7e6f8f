package io.ecengine.persistence;

/**
 * The databases the engine runs on. Each vendor knows the names its counterparts in Slick,
 * pekko-projection-jdbc and Flyway expect, so no other class needs to branch on the vendor.
 */
public enum Vendor {
  H2("jdbc:h2:", "org.h2.Driver", "slick.jdbc.H2Profile$", "h2-dialect", "h2"),
  POSTGRESQL(
      "jdbc:postgresql:",
      "org.postgresql.Driver",
      "slick.jdbc.PostgresProfile$",
      "postgres-dialect",
      "postgresql");

  private final String urlPrefix;
  private final String driverClassName;
  private final String slickProfile;
  private final String projectionDialect;
  private final String migrationFolder;

  Vendor(
      String urlPrefix,
      String driverClassName,
      String slickProfile,
      String projectionDialect,
      String migrationFolder) {
    this.urlPrefix = urlPrefix;
    this.driverClassName = driverClassName;
    this.slickProfile = slickProfile;
    this.projectionDialect = projectionDialect;
    this.migrationFolder = migrationFolder;
  }

  /** The vendor a JDBC URL points at. */
  public static Vendor fromUrl(String url) {
    for (Vendor vendor : values()) {
      if (url.startsWith(vendor.urlPrefix)) {
        return vendor;
      }
    }
    throw new IllegalArgumentException(
        "Unsupported database URL (expected jdbc:postgresql:... or jdbc:h2:...): "
            + DatabaseSettings.redactUrl(url));
  }

  public String driverClassName() {
    return driverClassName;
  }

  /** The Slick profile object pekko-persistence-jdbc talks through. */
  public String slickProfile() {
    return slickProfile;
  }

  /** The value of {@code pekko.projection.jdbc.dialect}. */
  public String projectionDialect() {
    return projectionDialect;
  }

  /** The Flyway location holding this vendor's migrations. */
  public String migrationLocation() {
    return "classpath:db/migration/" + migrationFolder;
  }
}
