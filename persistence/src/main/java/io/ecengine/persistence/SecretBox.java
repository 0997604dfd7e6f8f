package io.ecengine.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts channel credentials before they are stored, so that a copy of the database (a backup, a
 * support dump) does not give away the shops' API keys. AES-256-GCM both hides and authenticates:
 * bytes altered in the database, or opened with another key, fail instead of yielding wrong
 * credentials.
 *
 * <p>Sealed bytes are {@code keyId (1 byte) | nonce (12 bytes) | ciphertext and 16-byte tag}; the
 * key id is authenticated with the rest. The configured key has id {@value #CONFIGURED_KEY_ID}, the
 * temporary key of a process without one has id {@value #TEMPORARY_KEY_ID}.
 */
public final class SecretBox {

  static final int CONFIGURED_KEY_ID = 1;
  static final int TEMPORARY_KEY_ID = 0;

  /** Secrets larger than this are refused: credentials are a few keys and tokens. */
  static final int MAX_PLAINTEXT_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER_BYTES = 1 + NONCE_BYTES;
  private static final int MIN_SEALED_BYTES = HEADER_BYTES + TAG_BITS / 8;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The key a process without a configured key uses for everything it seals. */
  private static final TemporaryKey PROCESS_TEMPORARY_KEY = new TemporaryKey();

  /** Credentials could not be opened: another key sealed them, or the bytes were altered. */
  public static final class UnreadableSecretsException extends IllegalStateException {
    UnreadableSecretsException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // Limitation: a box holds a single key, so changing ec.secrets.key makes the credentials sealed
  // under the old one unreadable and they must be entered again. The key id in front of every
  // sealed value leaves room for a box that also holds retired keys to open them.
  private final int keyId;
  private final SecretKeySpec key;

  /**
   * A box for the given 32-byte key.
   *
   * @param keyId 0 to 255, written in front of everything this box seals
   */
  public SecretBox(int keyId, byte[] key) {
    if (keyId < 0 || keyId > 255) {
      throw new IllegalArgumentException("key id must be 0..255, was " + keyId);
    }
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("An AES-256 key is 32 bytes");
    }
    this.keyId = keyId;
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * The box for {@code ec.secrets.key}, the base64 of 32 bytes. Without a key, a random key made
   * for this process is used and a warning logged once: credentials stored then are unreadable on
   * other nodes and after a restart.
   *
   * @throws IllegalArgumentException when the key is not the base64 of 32 bytes
   */
  public static SecretBox fromConfig(Config config) {
    return fromConfig(config, PROCESS_TEMPORARY_KEY);
  }

  static SecretBox fromConfig(Config config, TemporaryKey temporaryKey) {
    String encoded = config.getString("ec.secrets.key").strip();
    if (encoded.isEmpty()) {
      return new SecretBox(TEMPORARY_KEY_ID, temporaryKey.get());
    }
    return new SecretBox(CONFIGURED_KEY_ID, decodeKey(encoded));
  }

  /** A fresh random key, in the form {@code ec.secrets.key} takes. */
  public static String generateKey() {
    return Base64.getEncoder().encodeToString(randomBytes(KEY_BYTES));
  }

  /** Encrypts the secrets under a fresh nonce, so sealing the same secrets twice differs. */
  public byte[] seal(Map<String, String> secrets) {
    byte[] plaintext = toJson(secrets);
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException(
          "Secrets take " + plaintext.length + " bytes, more than " + MAX_PLAINTEXT_BYTES);
    }
    byte[] nonce = randomBytes(NONCE_BYTES);
    try {
      byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, nonce, 0).doFinal(plaintext);
      return ByteBuffer.allocate(HEADER_BYTES + ciphertext.length)
          .put((byte) keyId)
          .put(nonce)
          .put(ciphertext)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts what {@link #seal} produced.
   *
   * @throws UnreadableSecretsException when the bytes were sealed under another key or altered
   */
  public Map<String, String> open(byte[] sealed) {
    if (sealed == null || sealed.length < MIN_SEALED_BYTES) {
      throw new UnreadableSecretsException("Sealed secrets are truncated", null);
    }
    int sealedKeyId = Byte.toUnsignedInt(sealed[0]);
    if (sealedKeyId != keyId) {
      throw new UnreadableSecretsException(
          "Secrets were sealed under key "
              + sealedKeyId
              + " but this process has key "
              + keyId
              + (sealedKeyId == TEMPORARY_KEY_ID ? " (the temporary key of another process)" : ""),
          null);
    }
    byte[] plaintext;
    try {
      plaintext =
          cipher(Cipher.DECRYPT_MODE, sealed, 1)
              .doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
    } catch (GeneralSecurityException e) {
      // GCM does not say whether the key or the bytes are wrong, and neither should we guess.
      throw new UnreadableSecretsException(
          "Sealed secrets do not open with key " + keyId + ": another key or altered bytes", e);
    }
    try {
      return Map.copyOf(JSON.readValue(plaintext, STRING_MAP));
    } catch (IOException e) {
      // Authentic bytes that are not a map were sealed by something else; the message of the
      // parser could quote them, so it is left out.
      throw new UnreadableSecretsException("Sealed secrets are not a map of strings", null);
    }
  }

  public int keyId() {
    return keyId;
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "SecretBox[keyId=" + keyId + "]";
  }

  /**
   * A cipher for the nonce at {@code nonceOffset} of {@code source}. The key id is authenticated
   * data, so changing it is detected like changing the ciphertext.
   */
  private Cipher cipher(int mode, byte[] source, int nonceOffset) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, source, nonceOffset, NONCE_BYTES));
    cipher.updateAAD(new byte[] {(byte) keyId});
    return cipher;
  }

  private static byte[] toJson(Map<String, String> secrets) {
    if (secrets == null) {
      throw new IllegalArgumentException("Secrets must not be null");
    }
    secrets.forEach(
        (name, value) -> {
          if (name == null || value == null) {
            throw new IllegalArgumentException("Secret names and values must not be null");
          }
        });
    try {
      return JSON.writeValueAsBytes(new TreeMap<>(secrets));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A map of strings is always JSON", e);
    }
  }

  /** Never puts the configured value into a message: it might be a real key off by a character. */
  private static byte[] decodeKey(String encoded) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ec.secrets.key (EC_SECRETS_KEY) is not base64; generate one with"
              + " 'openssl rand -base64 32'");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "ec.secrets.key (EC_SECRETS_KEY) must be the base64 of 32 bytes, it holds "
              + key.length
              + "; generate one with 'openssl rand -base64 32'");
    }
    return key;
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /**
   * A random key made on first use and kept for the life of its owner, so every box of a process
   * without a configured key can open what the others sealed. Warns once, when the key is made.
   */
  static final class TemporaryKey {

    private byte[] key;

    synchronized byte[] get() {
      if (key == null) {
        key = randomBytes(KEY_BYTES);
        log.warn(
            "ec.secrets.key (EC_SECRETS_KEY) is not set: channel credentials are encrypted with a"
                + " temporary key that exists only in this process, so credentials stored now"
                + " cannot be read by other nodes or after a restart. Set it on every node to the"
                + " same base64 of 32 random bytes"
                + " ('openssl rand -base64 32').");
      }
      return key.clone();
    }
  }
}
