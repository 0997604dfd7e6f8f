package io.ecengine.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.ecengine.persistence.SecretBox.UnreadableSecretsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecretBoxTest {

  private static final Map<String, String> SECRETS =
      Map.of(
          "app_key", "tiktok-app-key-0123",
          "app_secret", "s3cr3t-TikTok-Secret-value",
          "access_token", "アクセストークン-ROW-47");

  private static Config secretsKey(String key) {
    return ConfigFactory.parseMap(Map.of("ec.secrets.key", key));
  }

  private static SecretBox box() {
    return SecretBox.fromConfig(secretsKey(SecretBox.generateKey()));
  }

  @Test
  void opensWhatItSealed() {
    SecretBox box = box();

    assertThat(box.open(box.seal(SECRETS))).isEqualTo(SECRETS);
    assertThat(box.open(box.seal(Map.of()))).isEmpty();
  }

  @Test
  void boxesWithTheSameConfiguredKeyOpenEachOthersSecrets() {
    Config config = secretsKey(SecretBox.generateKey());

    byte[] sealed = SecretBox.fromConfig(config).seal(SECRETS);

    assertThat(SecretBox.fromConfig(config).open(sealed)).isEqualTo(SECRETS);
    assertThat(sealed[0]).isEqualTo((byte) SecretBox.CONFIGURED_KEY_ID);
  }

  @Test
  void sealingTwiceGivesDifferentBytes() {
    SecretBox box = box();

    byte[] first = box.seal(SECRETS);
    byte[] second = box.seal(SECRETS);

    assertThat(first).isNotEqualTo(second);
    assertThat(Arrays.copyOfRange(first, 1, 13)).isNotEqualTo(Arrays.copyOfRange(second, 1, 13));
  }

  @Test
  void sealedBytesHoldNoPlaintext() {
    byte[] sealed = box().seal(SECRETS);

    String asLatin1 = new String(sealed, StandardCharsets.ISO_8859_1);
    String asUtf8 = new String(sealed, StandardCharsets.UTF_8);
    String asBase64 = Base64.getEncoder().encodeToString(sealed);
    SECRETS.forEach(
        (name, value) -> {
          for (String text : new String[] {name, value, "tiktok", "s3cr3t"}) {
            String utf8AsLatin1 =
                new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            assertThat(asLatin1).doesNotContain(utf8AsLatin1);
            assertThat(asUtf8).doesNotContain(text);
            assertThat(asBase64).doesNotContain(text);
          }
        });
  }

  @Test
  void detectsAnyChangedByte() {
    SecretBox box = box();
    byte[] sealed = box.seal(SECRETS);

    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> box.open(tampered))
          .as("byte %d changed", i)
          .isInstanceOf(UnreadableSecretsException.class);
    }
  }

  @Test
  void detectsTruncatedAndExtendedBytes() {
    SecretBox box = box();
    byte[] sealed = box.seal(SECRETS);

    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, sealed.length - 1)))
        .isInstanceOf(UnreadableSecretsException.class);
    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, sealed.length + 1)))
        .isInstanceOf(UnreadableSecretsException.class);
    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, 20)))
        .isInstanceOf(UnreadableSecretsException.class);
    assertThatThrownBy(() -> box.open(new byte[0])).isInstanceOf(UnreadableSecretsException.class);
  }

  @Test
  void anotherKeyCannotOpen() {
    byte[] sealed = box().seal(SECRETS);

    assertThatThrownBy(() -> box().open(sealed))
        .isInstanceOf(UnreadableSecretsException.class)
        .hasMessageContaining("another key or altered bytes");
  }

  @Test
  void aBoxWithAnotherKeyIdSaysWhichKeySealed() {
    byte[] key = Base64.getDecoder().decode(SecretBox.generateKey());
    byte[] sealed = new SecretBox(1, key).seal(SECRETS);

    assertThatThrownBy(() -> new SecretBox(2, key).open(sealed))
        .isInstanceOf(UnreadableSecretsException.class)
        .hasMessageContaining("sealed under key 1")
        .hasMessageContaining("this process has key 2");
  }

  @Test
  void refusesKeysThatAreNotTheBase64OfThirtyTwoBytes() {
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    String notBase64 = "this is not base64 at all!";

    assertThatThrownBy(() -> SecretBox.fromConfig(secretsKey(short16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining(short16);
    assertThatThrownBy(() -> SecretBox.fromConfig(secretsKey(notBase64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not base64")
        .hasMessageNotContaining(notBase64);
  }

  @Test
  void withoutAKeyUsesOneTemporaryKeyAndWarnsOnce() {
    Logger logger = (Logger) LoggerFactory.getLogger(SecretBox.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      SecretBox.TemporaryKey temporaryKey = new SecretBox.TemporaryKey();

      SecretBox first = SecretBox.fromConfig(secretsKey(""), temporaryKey);
      SecretBox second = SecretBox.fromConfig(secretsKey("  "), temporaryKey);

      assertThat(second.open(first.seal(SECRETS))).isEqualTo(SECRETS);
      assertThat(first.keyId()).isEqualTo(SecretBox.TEMPORARY_KEY_ID);
      assertThat(appender.list).hasSize(1);
      ILoggingEvent warning = appender.list.get(0);
      assertThat(warning.getLevel()).isEqualTo(Level.WARN);
      assertThat(warning.getFormattedMessage())
          .contains("ec.secrets.key")
          .contains("cannot be read")
          .contains("after a restart");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aSecondProcessWithoutAKeyCannotOpenTheFirstOnesSecrets() {
    SecretBox earlier = SecretBox.fromConfig(secretsKey(""), new SecretBox.TemporaryKey());
    SecretBox later = SecretBox.fromConfig(secretsKey(""), new SecretBox.TemporaryKey());

    assertThatThrownBy(() -> later.open(earlier.seal(SECRETS)))
        .isInstanceOf(UnreadableSecretsException.class);
  }

  @Test
  void theReferenceConfigHasAnEmptyKey() {
    Config reference =
        ConfigFactory.parseResources("reference.conf").resolve(ConfigResolveOptions.noSystem());

    assertThat(reference.getString("ec.secrets.key")).isEmpty();
  }

  @Test
  void neverShowsTheKey() {
    String key = SecretBox.generateKey();

    assertThat(SecretBox.fromConfig(secretsKey(key)).toString())
        .isEqualTo("SecretBox[keyId=1]")
        .doesNotContain(key);
  }

  @Test
  void refusesNullNamesAndValues() {
    SecretBox box = box();
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("app_key", null);

    assertThatThrownBy(() -> box.seal(withNullValue)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> box.seal(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
