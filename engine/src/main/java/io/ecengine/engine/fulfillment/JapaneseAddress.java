package io.ecengine.engine.fulfillment;

import io.ecengine.engine.order.OrderDetails;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalises Japanese addresses so that two spellings of one place compare equal. Buyers type the
 * same address in many ways, and every marketplace passes it on as typed:
 *
 * <ul>
 *   <li>postal codes as 1500001, 150-0001, １５０－０００１ or 〒150-0001;
 *   <li>full-width and half-width letters, digits, spaces and katakana (NFKC folds them);
 *   <li>a dozen dash characters (-‐‑‒–—―−─ and the long vowel mark ー typed between digits);
 *   <li>blocks as 一丁目2番3号, 1丁目2-3, 1-2-3 or 1の2の3, with kanji or Arabic numerals;
 *   <li>the prefecture with or without 都/府/県, in its own field, in the first address line, in both
 *       or nowhere; the city repeated in the first line;
 *   <li>rooms as 101, 101号室, #101 or 101室, floors as 5F or 5階, and any spacing in between.
 * </ul>
 *
 * <p>The result is a comparison key, not an address to print: labels keep what the buyer wrote. The
 * key errs on the side of telling addresses apart. Numerals are converted only inside the block
 * part (from the first digit, or the first kanji numeral followed by 丁目 or 番地, onwards), so that
 * place names such as 一番町, 麻布十番 or 八王子 are left alone; two spellings this does not unify simply do
 * not merge, which costs a second parcel, never a parcel to the wrong door.
 */
public final class JapaneseAddress {

  /** What one address normalises to. {@code key} is null when there is nothing to compare. */
  public record NormalizedAddress(String postalCode, String prefecture, String locality) {

    /**
     * The comparison key: the postal code (which fixes the prefecture) or else the prefecture, then
     * the locality. Null when the address has no locality at all.
     */
    public String key() {
      if (locality.isEmpty()) {
        return null;
      }
      String area = postalCode != null ? postalCode : prefecture != null ? prefecture : "";
      return area + "|" + locality;
    }
  }

  private static final String HYPHENS = "-‐‑‒–—―−─━﹣－⁃";
  private static final Pattern LEADING_POSTAL_CODE =
      Pattern.compile("^〒?\\s*([0-9]{3})-?([0-9]{4})(?![0-9])\\s*");
  private static final Pattern LONG_VOWEL_AS_DASH =
      Pattern.compile(
          "(?<=[0-9目地番])ー(?=[0-9]|$|\\s)|(?<=[0-9])ー(?=[" + KanjiNumerals.CHARACTERS + "])");
  private static final Pattern KANJI_RUN = Pattern.compile("[" + KanjiNumerals.CHARACTERS + "]+");
  private static final Pattern ROOM_SUFFIX = Pattern.compile("(?<=[0-9])(号室|室(?=$|\\s))");
  private static final Pattern BLOCK_WORDS =
      Pattern.compile("丁目|番地|(?<=[0-9])番|(?<=[0-9])号|(?<=[0-9地番目-])の(?=[0-9])");
  private static final Pattern SPACE_BETWEEN_DIGITS = Pattern.compile("(?<=[0-9]) (?=[0-9])");
  private static final Pattern DANGLING_HYPHEN = Pattern.compile("-+(?![0-9])");

  // Limitation: there is no postal code database: a wrong postal code, a missing prefecture that
  // only the code would tell, or old and new place names (市町村合併) are not corrected, so such
  // addresses do not merge.
  private JapaneseAddress() {}

  /** Normalises the ship-to address of an order; null fields count as empty. */
  public static NormalizedAddress normalize(OrderDetails.ShipTo shipTo) {
    if (shipTo == null) {
      return new NormalizedAddress(null, null, "");
    }
    return normalize(
        shipTo.postalCode(),
        shipTo.prefecture(),
        shipTo.city(),
        shipTo.address1(),
        shipTo.address2());
  }

  public static NormalizedAddress normalize(
      String postalCode, String prefecture, String city, String address1, String address2) {
    String postal = postalCode(postalCode);
    String pref = prefecture == null ? null : Prefectures.canonical(fold(prefecture)).orElse(null);

    List<String> parts = new ArrayList<>();
    for (String part : new String[] {city, address1, address2}) {
      String text = fold(part);
      Matcher leadingPostal = LEADING_POSTAL_CODE.matcher(text);
      if (leadingPostal.find()) {
        if (postal == null) {
          postal = leadingPostal.group(1) + leadingPostal.group(2);
        }
        text = text.substring(leadingPostal.end());
      }
      Optional<Prefectures.Found> found = Prefectures.leading(text);
      if (found.isPresent()) {
        pref = pref == null ? found.get().prefecture() : pref;
        text = found.get().rest().strip();
      }
      parts.add(text);
    }
    // The city field is often repeated at the start of the first address line.
    if (!parts.get(0).isEmpty() && parts.get(1).startsWith(parts.get(0))) {
      parts.set(0, "");
    }
    String line = String.join(" ", parts.stream().filter(p -> !p.isEmpty()).toList());
    return new NormalizedAddress(postal, pref, locality(line));
  }

  /** A postal code as seven digits, or null when the text does not hold exactly one. */
  public static String postalCode(String written) {
    if (written == null) {
      return null;
    }
    String digits =
        fold(written).replace("〒", "").replace("-", "").replace("ー", "").replace(" ", "");
    return digits.matches("[0-9]{7}") ? digits : null;
  }

  /**
   * Width, dash and space folding shared by every field: NFKC (full-width letters, digits and
   * spaces to half-width, half-width katakana to full-width), one hyphen for every dash character,
   * upper-case Latin letters, ケ for the small ヶ, and single spaces.
   */
  static String fold(String text) {
    if (text == null) {
      return "";
    }
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(nfkc.length());
    nfkc.codePoints()
        .forEach(
            c -> {
              if (HYPHENS.indexOf(c) >= 0) {
                out.append('-');
              } else if (c == 'ヶ') {
                out.append('ケ');
              } else if (c == 'ヵ') {
                out.append('カ');
              } else if (c >= 'a' && c <= 'z') {
                out.append((char) (c - 'a' + 'A'));
              } else if (Character.isWhitespace(c)
                  || Character.isSpaceChar(c)
                  || Character.isISOControl(c)
                  || c == '、'
                  || c == ',') {
                out.append(' ');
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString().replaceAll(" +", " ").strip();
  }

  /** The locality (city onwards) of a folded line, as compared. */
  static String locality(String line) {
    String text = line.replace("大字", "").replace("・", "");
    text = LONG_VOWEL_AS_DASH.matcher(text).replaceAll("-");
    // Between kanji, ノ is the particle の (丸ノ内 and 丸の内 are one place).
    text = text.replaceAll("(?<=\\p{IsHan})ノ(?=\\p{IsHan})", "の");
    int block = blockStart(text);
    if (block >= 0) {
      text = text.substring(0, block) + block(text.substring(block));
    }
    text = SPACE_BETWEEN_DIGITS.matcher(text).replaceAll("-").replace(" ", "");
    text = text.replaceAll("-{2,}", "-");
    return DANGLING_HYPHEN.matcher(text).replaceAll("");
  }

  /**
   * Where the block numbers start: the first digit, or the first run of kanji numerals that is
   * followed by 丁目 or 番地. Before it lie the city and town names, whose numerals are names.
   */
  private static int blockStart(String text) {
    Matcher kanji = KANJI_RUN.matcher(text);
    int kanjiStart = -1;
    while (kanji.find()) {
      String after = text.substring(kanji.end());
      if (after.startsWith("丁目") || after.startsWith("番地")) {
        kanjiStart = kanji.start();
        break;
      }
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        return kanjiStart >= 0 ? Math.min(i, kanjiStart) : i;
      }
    }
    return kanjiStart;
  }

  /** The block part: numerals to digits, 丁目/番地/番/号/の to hyphens, room suffixes dropped. */
  private static String block(String text) {
    StringBuilder converted = new StringBuilder();
    Matcher kanji = KANJI_RUN.matcher(text);
    int last = 0;
    while (kanji.find()) {
      converted.append(text, last, kanji.start());
      String after = text.substring(kanji.end());
      char before = kanji.start() == 0 ? 0 : text.charAt(kanji.start() - 1);
      boolean blockNumber =
          after.startsWith("丁目")
              || after.startsWith("番")
              || after.startsWith("号")
              || (("-の目地番号".indexOf(before) >= 0 || kanji.start() == 0)
                  && (after.isEmpty() || !Character.isIdeographic(after.codePointAt(0))));
      long value = blockNumber ? KanjiNumerals.value(kanji.group()) : -1;
      converted.append(value >= 0 ? Long.toString(value) : kanji.group());
      last = kanji.end();
    }
    converted.append(text.substring(last));
    String result = ROOM_SUFFIX.matcher(converted).replaceAll("");
    result = result.replaceAll("(?<=[0-9])階", "F").replaceAll("#(?=[0-9])", "");
    return BLOCK_WORDS.matcher(result).replaceAll("-");
  }
}
