package io.ecengine.engine.fulfillment;

/**
 * Kanji numerals as addresses use them for 丁目, 番地 and 号: either digit by digit (二〇一) or with the
 * multipliers 十, 百 and 千 (二十三, 百二). Nothing larger occurs in a block number.
 */
final class KanjiNumerals {

  static final String CHARACTERS = "〇一二三四五六七八九十百千";

  private KanjiNumerals() {}

  static boolean isNumeral(char c) {
    return CHARACTERS.indexOf(c) >= 0;
  }

  /** The value of a run of kanji numerals, or -1 when the run is not a well-formed number. */
  static long value(String run) {
    if (run.isEmpty()) {
      return -1;
    }
    boolean positional = run.chars().noneMatch(c -> c == '十' || c == '百' || c == '千');
    if (positional) {
      long value = 0;
      for (char c : run.toCharArray()) {
        value = value * 10 + digit(c);
      }
      return value;
    }
    long total = 0;
    long pending = -1;
    long lastMultiplier = Long.MAX_VALUE;
    for (char c : run.toCharArray()) {
      long multiplier =
          switch (c) {
            case '十' -> 10;
            case '百' -> 100;
            case '千' -> 1000;
            default -> 0;
          };
      if (multiplier == 0) {
        if (pending >= 0) {
          return -1;
        }
        pending = digit(c);
      } else {
        if (multiplier >= lastMultiplier) {
          return -1;
        }
        total += (pending < 0 ? 1 : pending) * multiplier;
        pending = -1;
        lastMultiplier = multiplier;
      }
    }
    return total + Math.max(pending, 0);
  }

  private static int digit(char c) {
    return c == '〇' ? 0 : "一二三四五六七八九".indexOf(c) + 1;
  }
}
