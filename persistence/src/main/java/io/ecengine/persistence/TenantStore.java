package io.ecengine.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Tenants and their API keys. A key is shown once when issued and only its SHA-256 is stored, so a
 * leaked table does not leak usable keys. Calls block on JDBC: run them on a blocking dispatcher.
 */
public final class TenantStore {

  /** The prefix of every API key, so that leaked keys are easy to recognise and scan for. */
  public static final String KEY_PREFIX = "ec_";

  static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

  private static final int SECRET_BYTES = 32;
  private static final int KEY_ID_BYTES = 8;
  private static final int MAX_PRESENTED_KEY_LENGTH = 200;
  private static final int MAX_CACHED_KEYS = 10_000;
  private static final String UNIQUE_VIOLATION = "23505";

  /** A tenant as stored. */
  public record Tenant(String tenantId, String name, Instant createdAt) {}

  /** A newly issued key. {@code apiKey} exists only in this value; it cannot be read back. */
  public record IssuedKey(String keyId, String apiKey) {
    @Override
    public String toString() {
      return "IssuedKey[keyId=" + keyId + ", apiKey=***]";
    }
  }

  /** What may be shown about a key after it was issued; {@code revokedAt} is null while valid. */
  public record KeyInfo(String keyId, Instant createdAt, Instant revokedAt) {
    public boolean revoked() {
      return revokedAt != null;
    }
  }

  private record CachedKey(String tenantId, String keyId, Instant expiresAt) {}

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration cacheTtl;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, CachedKey> cache = new ConcurrentHashMap<>();
  private final AtomicLong revocations = new AtomicLong();

  public TenantStore(DataSource dataSource) {
    this(dataSource, Clock.systemUTC(), DEFAULT_CACHE_TTL);
  }

  public TenantStore(DataSource dataSource, Clock clock, Duration cacheTtl) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  /** Creates the tenant; empty when a tenant with this id already exists. */
  public Optional<Tenant> createTenant(String tenantId, String name) {
    Tenant tenant = new Tenant(tenantId, name, now());
    String sql = "INSERT INTO tenants (tenant_id, name, created_at) VALUES (?, ?, ?)";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, tenantId);
      insert.setString(2, name);
      insert.setObject(3, toDb(tenant.createdAt()));
      insert.executeUpdate();
      return Optional.of(tenant);
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return Optional.empty();
      }
      throw failure("create tenant " + tenantId, e);
    }
  }

  public boolean tenantExists(String tenantId) {
    String sql = "SELECT 1 FROM tenants WHERE tenant_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw failure("look up tenant " + tenantId, e);
    }
  }

  /**
   * Issues a new key for the tenant: {@code ec_<keyId>_<secret>}, the secret being 32 random bytes
   * in unpadded base64url.
   *
   * @throws NoSuchElementException when the tenant does not exist
   */
  public IssuedKey issueKey(String tenantId) {
    String keyId = HexFormat.of().formatHex(randomBytes(KEY_ID_BYTES));
    String secret =
        Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(SECRET_BYTES));
    String apiKey = KEY_PREFIX + keyId + "_" + secret;
    // Inserting through a select of the tenant finds a missing tenant without relying on how each
    // vendor reports a foreign key violation.
    String sql =
        "INSERT INTO api_keys (key_id, tenant_id, key_hash, created_at, revoked_at)"
            + " SELECT ?, tenant_id, ?, ?, NULL FROM tenants WHERE tenant_id = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, keyId);
      insert.setString(2, sha256Hex(apiKey));
      insert.setObject(3, toDb(now()));
      insert.setString(4, tenantId);
      if (insert.executeUpdate() == 0) {
        throw new NoSuchElementException("No tenant " + tenantId);
      }
      return new IssuedKey(keyId, apiKey);
    } catch (SQLException e) {
      throw failure("issue a key for tenant " + tenantId, e);
    }
  }

  /**
   * Revokes one of the tenant's keys. Revoking a revoked key is accepted and keeps the first
   * revocation time, so the call can be retried.
   *
   * @return false when the tenant has no key with this id
   */
  public boolean revokeKey(String tenantId, String keyId) {
    String sql =
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)"
            + " WHERE tenant_id = ? AND key_id = ?";
    boolean found;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement(sql)) {
      update.setObject(1, toDb(now()));
      update.setString(2, tenantId);
      update.setString(3, keyId);
      found = update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("revoke key " + keyId + " of tenant " + tenantId, e);
    }
    // Counted before evicting: see authenticate for the race this closes.
    revocations.incrementAndGet();
    cache.values().removeIf(k -> k.keyId().equals(keyId) && k.tenantId().equals(tenantId));
    return found;
  }

  /** The tenant's keys, oldest first; never their hashes. */
  public List<KeyInfo> listKeys(String tenantId) {
    String sql =
        "SELECT key_id, created_at, revoked_at FROM api_keys WHERE tenant_id = ?"
            + " ORDER BY created_at, key_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenantId);
      List<KeyInfo> keys = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          keys.add(
              new KeyInfo(
                  rows.getString(1),
                  fromDb(rows.getObject(2, OffsetDateTime.class)),
                  fromDb(rows.getObject(3, OffsetDateTime.class))));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw failure("list keys of tenant " + tenantId, e);
    }
  }

  /**
   * The tenant of a key whose check is still cached, without touching the database; empty when the
   * key is not cached (which says nothing about whether it is valid).
   */
  public Optional<String> cachedTenant(String presentedKey) {
    if (presentedKey == null
        || !presentedKey.startsWith(KEY_PREFIX)
        || presentedKey.length() > MAX_PRESENTED_KEY_LENGTH) {
      return Optional.empty();
    }
    CachedKey cached = cache.get(sha256Hex(presentedKey));
    return cached != null && clock.instant().isBefore(cached.expiresAt())
        ? Optional.of(cached.tenantId())
        : Optional.empty();
  }

  /**
   * The tenant a presented API key belongs to; empty for a malformed, unknown or revoked key. The
   * lookup is by hash, so timing reveals nothing about stored keys.
   */
  public Optional<String> authenticate(String presentedKey) {
    if (presentedKey == null
        || !presentedKey.startsWith(KEY_PREFIX)
        || presentedKey.length() > MAX_PRESENTED_KEY_LENGTH) {
      return Optional.empty();
    }
    String hash = sha256Hex(presentedKey);
    Instant now = clock.instant();
    CachedKey cached = cache.get(hash);
    if (cached != null && now.isBefore(cached.expiresAt())) {
      return Optional.of(cached.tenantId());
    }

    long revocationsBefore = revocations.get();
    Optional<CachedKey> found = lookUp(hash, now.plus(cacheTtl));
    if (found.isEmpty()) {
      cache.remove(hash);
      return Optional.empty();
    }

    // A revocation between the lookup and this put would otherwise leave the revoked key cached:
    // a put after the revoker's eviction always sees the counter moved and takes itself back out.
    // Limitation: revocations on other nodes reach this cache only when the entry expires, so a
    // revoked key keeps working there for up to the cache TTL.
    evictIfFull(now);
    cache.put(hash, found.get());
    if (revocations.get() != revocationsBefore) {
      cache.remove(hash);
    }
    return Optional.of(found.get().tenantId());
  }

  private Optional<CachedKey> lookUp(String hash, Instant expiresAt) {
    String sql = "SELECT tenant_id, key_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, hash);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(new CachedKey(rows.getString(1), rows.getString(2), expiresAt));
      }
    } catch (SQLException e) {
      throw failure("authenticate an API key", e);
    }
  }

  private void evictIfFull(Instant now) {
    if (cache.size() < MAX_CACHED_KEYS) {
      return;
    }
    cache.values().removeIf(k -> !now.isBefore(k.expiresAt()));
    if (cache.size() >= MAX_CACHED_KEYS) {
      cache.clear();
    }
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Truncated to what both databases store, so a value read back equals the one written. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  static String sha256Hex(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  private static OffsetDateTime toDb(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant fromDb(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }

  private static IllegalStateException failure(String action, SQLException e) {
    return new IllegalStateException("Could not " + action, e);
  }
}
