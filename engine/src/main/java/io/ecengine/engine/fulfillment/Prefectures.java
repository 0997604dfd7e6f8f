package io.ecengine.engine.fulfillment;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The 47 prefectures (都道府県) and how buyers write them: with the suffix (東京都, 大阪府, 神奈川県), without it
 * (東京, 大阪, 神奈川), or not at all. 北海道 has no short form: its 道 is part of the name as buyers write
 * it.
 */
final class Prefectures {

  /** Full names, in the order of the national prefecture codes (JIS X 0401). */
  static final List<String> NAMES =
      List.of(
          "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都",
          "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県",
          "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県",
          "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県");

  /** Longest first, so that a prefix test never stops at a shorter name inside a longer one. */
  private static final List<String> BY_LENGTH =
      NAMES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();

  /**
   * Characters that, right after a short name, show it is the start of a city rather than the
   * prefecture: 京都市, 大阪市, 福岡市 and the like are written without their prefecture.
   */
  private static final String CITY_SUFFIXES = "市区町村郡";

  /** Cities whose names start with a prefecture's short name followed by more of the name. */
  private static final List<String> CITIES_LIKE_PREFECTURES = List.of("大阪狭山市");

  private Prefectures() {}

  /** The name without its 都/府/県 suffix; 北海道 stays whole. */
  static String shortName(String fullName) {
    if (fullName.equals("北海道")) {
      return fullName;
    }
    return fullName.substring(0, fullName.length() - 1);
  }

  /** The full name for a prefecture field written with or without its suffix. */
  static Optional<String> canonical(String written) {
    if (written == null) {
      return Optional.empty();
    }
    String text = written.strip();
    for (String name : NAMES) {
      if (name.equals(text) || shortName(name).equals(text)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** A prefecture found at the start of an address line, and the rest of the line. */
  record Found(String prefecture, String rest) {}

  /**
   * The prefecture an address line starts with, if it names one. A short name counts only when what
   * follows cannot be the rest of a city name ("京都市" is a city, "京都中京区" names the prefecture).
   */
  static Optional<Found> leading(String line) {
    for (String name : BY_LENGTH) {
      if (line.startsWith(name)) {
        return Optional.of(new Found(name, line.substring(name.length())));
      }
    }
    for (String name : BY_LENGTH) {
      String shortName = shortName(name);
      if (!shortName.equals(name)
          && line.startsWith(shortName)
          && CITIES_LIKE_PREFECTURES.stream().noneMatch(line::startsWith)) {
        String rest = line.substring(shortName.length());
        if (rest.isEmpty() || CITY_SUFFIXES.indexOf(rest.charAt(0)) < 0) {
          return Optional.of(new Found(name, rest));
        }
      }
    }
    return Optional.empty();
  }
}
