package io.ecengine.persistence;

import io.ecengine.persistence.SecretBox.UnreadableSecretsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The channels of each tenant: which marketplace, where its API is, how fast it may be called and
 * whether stock pushes to it are paused. Credentials are sealed by a {@link SecretBox} before they
 * are written and are only handed out by {@link #credentials}, for the code that calls the
 * marketplace; every other read returns a {@link ChannelRecord}, which has none. Calls block on
 * JDBC: run them on a blocking dispatcher.
 */
public final class ChannelStore {

  public static final int MAX_MARKETPLACE_LENGTH = 32;
  public static final int MAX_BASE_URL_LENGTH = 500;
  public static final int MAX_PAUSE_REASON_LENGTH = 200;

  private static final String COLUMNS =
      "tenant_id, channel_id, marketplace, base_url, rate_limit, burst, batch_size, paused,"
          + " pause_reason, credentials_expire_at, created_at, updated_at";

  private static final String UPDATE =
      "UPDATE channels SET marketplace = ?, base_url = ?, credentials = ?, rate_limit = ?,"
          + " burst = ?, batch_size = ?, credentials_expire_at = ?, updated_at = ?"
          + " WHERE tenant_id = ? AND channel_id = ?";

  private static final String INSERT =
      "INSERT INTO channels (marketplace, base_url, credentials, rate_limit, burst, batch_size,"
          + " credentials_expire_at, updated_at, tenant_id, channel_id, paused, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)";

  /**
   * What an operator sets for a channel. A null {@code rateLimit} (requests per second), {@code
   * burst} or {@code batchSize} leaves the choice to the marketplace adapter's default; a null
   * {@code credentialsExpireAt} means the credentials are not known to expire. {@link #toString}
   * names the credentials but never shows their values.
   */
  public record ChannelSettings(
      String marketplace,
      String baseUrl,
      Map<String, String> credentials,
      Double rateLimit,
      Integer burst,
      Integer batchSize,
      Instant credentialsExpireAt) {

    public ChannelSettings {
      if (marketplace == null
          || marketplace.isBlank()
          || Jdbc.longerThan(marketplace, MAX_MARKETPLACE_LENGTH)) {
        throw new IllegalArgumentException(
            "marketplace must be 1 to " + MAX_MARKETPLACE_LENGTH + " characters");
      }
      checkBaseUrl(baseUrl);
      credentials = checkCredentials(credentials);
      if (rateLimit != null && !(rateLimit > 0 && Double.isFinite(rateLimit))) {
        throw new IllegalArgumentException("rateLimit must be a positive number, was " + rateLimit);
      }
      if (burst != null && burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1, was " + burst);
      }
      if (batchSize != null && batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
      }
    }

    @Override
    public String toString() {
      return "ChannelSettings[marketplace="
          + marketplace
          + ", baseUrl="
          + baseUrl
          + ", credentials="
          + new TreeSet<>(credentials.keySet())
          + " (values hidden), rateLimit="
          + rateLimit
          + ", burst="
          + burst
          + ", batchSize="
          + batchSize
          + ", credentialsExpireAt="
          + credentialsExpireAt
          + "]";
    }
  }

  /**
   * A channel as stored, without its credentials, so it can be shown and logged. {@code
   * pauseReason} is null while the channel is not paused.
   */
  public record ChannelRecord(
      String tenantId,
      String channelId,
      String marketplace,
      String baseUrl,
      Double rateLimit,
      Integer burst,
      Integer batchSize,
      boolean paused,
      String pauseReason,
      Instant credentialsExpireAt,
      Instant createdAt,
      Instant updatedAt) {}

  private final DataSource dataSource;
  private final SecretBox secretBox;
  private final Clock clock;

  public ChannelStore(DataSource dataSource, SecretBox secretBox) {
    this(dataSource, secretBox, Clock.systemUTC());
  }

  public ChannelStore(DataSource dataSource, SecretBox secretBox, Clock clock) {
    this.dataSource = dataSource;
    this.secretBox = secretBox;
    this.clock = clock;
  }

  /**
   * Creates the channel or replaces its settings and credentials. Whether it is paused, and why, is
   * kept: new credentials do not resume a channel paused for expired ones, the caller does.
   *
   * @return true when the channel was created
   */
  public boolean put(String tenantId, String channelId, ChannelSettings settings) {
    byte[] sealed = secretBox.seal(settings.credentials());
    OffsetDateTime now = Jdbc.toDb(clock.instant());
    // Update first, insert when there was nothing to update, as ChannelSlas does: the loser of two
    // first puts at once updates the winner's row, and each statement commits on its own.
    try (Connection connection = dataSource.getConnection()) {
      if (write(connection, false, tenantId, channelId, settings, sealed, now) == 1) {
        return false;
      }
      try {
        write(connection, true, tenantId, channelId, settings, sealed, now);
        return true;
      } catch (SQLException e) {
        if (!Jdbc.isUniqueViolation(e)) {
          throw e;
        }
        write(connection, false, tenantId, channelId, settings, sealed, now);
        return false;
      }
    } catch (SQLException e) {
      throw failure("store channel " + channelId, tenantId, e);
    }
  }

  /**
   * Replaces only the credentials and when they expire, as a token refresh does.
   *
   * @return false when the tenant has no such channel
   */
  public boolean setCredentials(
      String tenantId, String channelId, Map<String, String> credentials, Instant expireAt) {
    byte[] sealed = secretBox.seal(checkCredentials(credentials));
    String sql =
        "UPDATE channels SET credentials = ?, credentials_expire_at = ?, updated_at = ?"
            + " WHERE tenant_id = ? AND channel_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setBytes(1, sealed);
      update.setObject(2, Jdbc.toDb(expireAt));
      update.setObject(3, Jdbc.toDb(clock.instant()));
      update.setString(4, tenantId);
      update.setString(5, channelId);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("store the credentials of channel " + channelId, tenantId, e);
    }
  }

  public Optional<ChannelRecord> get(String tenantId, String channelId) {
    String sql = "SELECT " + COLUMNS + " FROM channels WHERE tenant_id = ? AND channel_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      List<ChannelRecord> found = read(select);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    } catch (SQLException e) {
      throw failure("read channel " + channelId, tenantId, e);
    }
  }

  /**
   * The channel's credentials, decrypted: for the code that calls the marketplace only. Never log
   * or return them to a client.
   *
   * @throws NoSuchElementException when the tenant has no such channel
   * @throws UnreadableSecretsException when they were sealed under another key or altered
   */
  public Map<String, String> credentials(String tenantId, String channelId) {
    String sql = "SELECT credentials FROM channels WHERE tenant_id = ? AND channel_id = ?";
    byte[] sealed;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      select.setString(2, channelId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new NoSuchElementException("No channel " + channelId + " of tenant " + tenantId);
        }
        sealed = row.getBytes(1);
      }
    } catch (SQLException e) {
      throw failure("read the credentials of channel " + channelId, tenantId, e);
    }
    try {
      return secretBox.open(sealed);
    } catch (UnreadableSecretsException e) {
      throw new UnreadableSecretsException(
          "Credentials of channel "
              + channelId
              + " of tenant "
              + tenantId
              + " cannot be read; enter them again. "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The channels of every tenant with this channel id: where a webhook addressed to the channel id
   * alone may belong. Channel ids are chosen per tenant, so there may be several; the webhook's
   * signature tells which one sent it.
   */
  public List<ChannelRecord> withChannelId(String channelId) {
    String sql =
        "SELECT " + COLUMNS + " FROM channels WHERE channel_id = ? ORDER BY tenant_id LIMIT 100";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, channelId);
      return read(select);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not look up channel " + channelId, e);
    }
  }

  /** The tenant's channels in channel id order. */
  public List<ChannelRecord> list(String tenantId) {
    String sql = "SELECT " + COLUMNS + " FROM channels WHERE tenant_id = ? ORDER BY channel_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      return read(select);
    } catch (SQLException e) {
      throw failure("list the channels", tenantId, e);
    }
  }

  /**
   * Every channel of every tenant, paused ones included, by tenant then channel id: what a node
   * starts its channel workers from.
   */
  public List<ChannelRecord> listAll() {
    // Limitation: read in one go, which suits thousands of channels, not millions.
    String sql = "SELECT " + COLUMNS + " FROM channels ORDER BY tenant_id, channel_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      return read(select);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not list the channels of all tenants", e);
    }
  }

  /**
   * Pauses or resumes stock pushes to the channel. The reason is kept while paused and cleared on
   * resume; it is shown to operators, so line breaks become spaces and it is cut to {@value
   * #MAX_PAUSE_REASON_LENGTH} characters rather than refused, since a pause must never fail over
   * its wording.
   *
   * @return false when the tenant has no such channel
   */
  public boolean setPaused(String tenantId, String channelId, boolean paused, String reason) {
    String sql =
        "UPDATE channels SET paused = ?, pause_reason = ?, updated_at = ?, auto_paused = FALSE"
            + " WHERE tenant_id = ? AND channel_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setBoolean(1, paused);
      update.setString(2, paused ? Jdbc.oneLine(reason, MAX_PAUSE_REASON_LENGTH) : null);
      update.setObject(3, Jdbc.toDb(clock.instant()));
      update.setString(4, tenantId);
      update.setString(5, channelId);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure((paused ? "pause" : "resume") + " channel " + channelId, tenantId, e);
    }
  }

  /**
   * Pauses a running channel on the shipping capacity guard's behalf, marking the pause as the
   * guard's. A channel already paused (by an operator or the guard) is left as it is.
   *
   * @return true when the channel was running and is now paused
   */
  public boolean autoPause(String tenantId, String channelId, String reason) {
    return autoUpdate(
        "UPDATE channels SET paused = TRUE, auto_paused = TRUE, pause_reason = ?, updated_at = ?"
            + " WHERE tenant_id = ? AND channel_id = ? AND paused = FALSE",
        tenantId,
        channelId,
        Jdbc.oneLine(reason, MAX_PAUSE_REASON_LENGTH));
  }

  /**
   * Resumes a channel the guard paused. A channel an operator paused stays paused.
   *
   * @return true when the channel was paused by the guard and is now running
   */
  public boolean autoResume(String tenantId, String channelId) {
    return autoUpdate(
        "UPDATE channels SET paused = FALSE, auto_paused = FALSE, pause_reason = ?,"
            + " updated_at = ? WHERE tenant_id = ? AND channel_id = ? AND auto_paused = TRUE",
        tenantId,
        channelId,
        null);
  }

  private boolean autoUpdate(String sql, String tenantId, String channelId, String reason) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, reason);
      update.setObject(2, Jdbc.toDb(clock.instant()));
      update.setString(3, tenantId);
      update.setString(4, channelId);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("pause or resume channel " + channelId + " for capacity", tenantId, e);
    }
  }

  /**
   * Both statements take the same parameters in the same order, the key last; an insert also sets
   * the creation time.
   */
  private static int write(
      Connection connection,
      boolean insert,
      String tenantId,
      String channelId,
      ChannelSettings settings,
      byte[] sealed,
      OffsetDateTime now)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(insert ? INSERT : UPDATE)) {
      statement.setString(1, settings.marketplace());
      statement.setString(2, settings.baseUrl());
      statement.setBytes(3, sealed);
      if (settings.rateLimit() == null) {
        statement.setNull(4, Types.DOUBLE);
      } else {
        statement.setDouble(4, settings.rateLimit());
      }
      setInteger(statement, 5, settings.burst());
      setInteger(statement, 6, settings.batchSize());
      statement.setObject(7, Jdbc.toDb(settings.credentialsExpireAt()));
      statement.setObject(8, now);
      statement.setString(9, tenantId);
      statement.setString(10, channelId);
      if (insert) {
        statement.setObject(11, now);
      }
      return statement.executeUpdate();
    }
  }

  private static void setInteger(PreparedStatement statement, int index, Integer value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }

  private static List<ChannelRecord> read(PreparedStatement select) throws SQLException {
    List<ChannelRecord> channels = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        double rateLimit = row.getDouble("rate_limit");
        Double rate = row.wasNull() ? null : rateLimit;
        int burst = row.getInt("burst");
        Integer burstOrNull = row.wasNull() ? null : burst;
        int batchSize = row.getInt("batch_size");
        Integer batchSizeOrNull = row.wasNull() ? null : batchSize;
        channels.add(
            new ChannelRecord(
                row.getString("tenant_id"),
                row.getString("channel_id"),
                row.getString("marketplace"),
                row.getString("base_url"),
                rate,
                burstOrNull,
                batchSizeOrNull,
                row.getBoolean("paused"),
                row.getString("pause_reason"),
                Jdbc.fromDb(row.getObject("credentials_expire_at", OffsetDateTime.class)),
                Jdbc.fromDb(row.getObject("created_at", OffsetDateTime.class)),
                Jdbc.fromDb(row.getObject("updated_at", OffsetDateTime.class))));
      }
    }
    return channels;
  }

  /**
   * An absolute http or https URL without user info: credentials belong in the sealed map, where
   * they are not shown with the channel.
   */
  private static void checkBaseUrl(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank() || Jdbc.longerThan(baseUrl, MAX_BASE_URL_LENGTH)) {
      throw new IllegalArgumentException(
          "baseUrl must be 1 to " + MAX_BASE_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(baseUrl);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a URL");
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must be an absolute http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not carry a user or password; put them in the credentials");
    }
  }

  private static Map<String, String> checkCredentials(Map<String, String> credentials) {
    if (credentials == null) {
      throw new IllegalArgumentException("credentials must not be null (use an empty map)");
    }
    credentials.forEach(
        (name, value) -> {
          if (name == null || name.isEmpty() || value == null) {
            throw new IllegalArgumentException(
                "credential names must not be empty and values not null");
          }
        });
    return Map.copyOf(credentials);
  }

  private static IllegalStateException failure(String action, String tenantId, SQLException e) {
    return new IllegalStateException("Could not " + action + " of tenant " + tenantId, e);
  }
}
