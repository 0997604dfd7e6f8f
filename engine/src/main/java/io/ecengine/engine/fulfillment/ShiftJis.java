package io.ecengine.engine.fulfillment;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Shift_JIS as Japanese carrier software reads it: the Windows code page 932 (windows-31j), which
 * adds the NEC and IBM extensions (①, ㈱, 髙) to JIS X 0208.
 *
 * <p>Text from browsers and phones carries a few characters that look like CP932 ones but are other
 * code points (the wave dash 〜 against CP932's ～, the minus sign − against －); they are mapped to
 * their CP932 twins before encoding, as Windows itself does. A character CP932 cannot hold at all
 * (an emoji, 𠮷) becomes 〓, the customary mark for a character that could not be set.
 */
public final class ShiftJis {

  public static final Charset CHARSET = Charset.forName("windows-31j");

  /** The substitute for characters CP932 lacks. */
  public static final char SUBSTITUTE = '〓';

  private static final Map<Character, Character> TWINS =
      Map.of(
          '\u301C', '\uFF5E', // wave dash
          '\u2016', '\u2225', // double vertical line
          '\u2212', '\uFF0D', // minus sign
          '\u00A2', '\uFFE0', // cent
          '\u00A3', '\uFFE1', // pound
          '\u00AC', '\uFFE2', // not sign
          '\u2014', '\u2015'); // em dash

  private ShiftJis() {}

  // Limitation: a character CP932 lacks is printed as 〓 on the label instead of being refused;
  // names with such characters (𠮷田) still reach the right door through the address.
  /** The text as CP932 can hold it: twins mapped, the rest replaced by {@link #SUBSTITUTE}. */
  public static String representable(String text) {
    if (text == null) {
      return "";
    }
    CharsetEncoder encoder = CHARSET.newEncoder();
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (c < Character.MIN_SUPPLEMENTARY_CODE_POINT && TWINS.containsKey((char) c)) {
                out.append(TWINS.get((char) c));
              } else if (Character.isSupplementaryCodePoint(c) || !encoder.canEncode((char) c)) {
                out.append(SUBSTITUTE);
              } else {
                out.append((char) c);
              }
            });
    return out.toString();
  }

  /** The bytes of the text in CP932, after {@link #representable}. */
  public static byte[] encode(String text) {
    return representable(text).getBytes(CHARSET);
  }

  /** How many bytes the text takes in CP932: what carriers' length limits count. */
  public static int byteLength(String text) {
    return encode(text).length;
  }

  /**
   * Reads an uploaded file: UTF-8 when it has a byte order mark or is valid UTF-8 throughout (which
   * includes plain ASCII), else CP932, which is what carrier software writes.
   */
  public static String decode(byte[] bytes) {
    if (bytes.length >= 3
        && (bytes[0] & 0xFF) == 0xEF
        && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF) {
      return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return CHARSET.decode(ByteBuffer.wrap(bytes)).toString();
    }
  }

  /** Whether the text survives a round trip through CP932 unchanged. */
  public static boolean fits(String text) {
    return CHARSET.newEncoder().canEncode(CharBuffer.wrap(text));
  }
}
