package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random addresses written in random ways a buyer could type them (postal code forms, prefecture
 * present or not and with or without its suffix, full-width digits, any dash, 丁目/番/号 with kanji or
 * Arabic numerals, spaces, half-width katakana, room suffixes) all normalise to the key of the
 * plain spelling; and a different block number or room never does.
 */
class AddressProperties {

  private static final List<String> PREFECTURES = List.of("東京都", "神奈川県", "大阪府", "北海道");
  private static final List<String> CITIES = List.of("渋谷区", "横浜市中区", "大阪市北区", "札幌市中央区");
  private static final List<String> TOWNS = List.of("神南", "山下町", "梅田", "北一条西", "一番町");
  private static final List<String> BUILDINGS = List.of("", "メゾン青山", "コーポ", "ABCビル");
  private static final String DASHES = "-‐‑–—―−ー－";
  private static final String KANJI = "〇一二三四五六七八九";

  /** One address, and the seed of the noise applied to it. */
  record Place(
      String postal,
      String prefecture,
      String city,
      String town,
      List<Integer> block,
      String building,
      int room,
      long noiseSeed) {

    String plainKey() {
      String line = town + String.join("-", block.stream().map(String::valueOf).toList());
      String second = (building + (room > 0 ? room : "")).strip();
      return JapaneseAddress.normalize(
              postal, prefecture, city, line, second.isEmpty() ? null : second)
          .key();
    }

    String noisyKey() {
      Random noise = new Random(noiseSeed);
      String postalWritten =
          switch (noise.nextInt(4)) {
            case 0 -> postal;
            case 1 -> postal.substring(0, 3) + "-" + postal.substring(3);
            case 2 -> fullWidth("〒" + postal.substring(0, 3) + "－" + postal.substring(3));
            default -> "〒" + postal.substring(0, 3) + dash(noise) + postal.substring(3);
          };
      String prefectureField;
      String cityField;
      String prefix;
      switch (noise.nextInt(4)) {
        case 0 -> {
          prefectureField = prefecture;
          cityField = city;
          prefix = "";
        }
        case 1 -> {
          prefectureField = Prefectures.shortName(prefecture);
          cityField = city;
          prefix = "";
        }
        case 2 -> {
          prefectureField = null;
          cityField = null;
          prefix = prefecture + space(noise) + city;
        }
        default -> {
          prefectureField = null;
          cityField = city;
          prefix = "";
        }
      }
      String line = prefix + space(noise) + town + space(noise) + blockWritten(noise);
      String second = building.isEmpty() ? "" : katakanaWidth(building, noise);
      if (room > 0) {
        String number =
            noise.nextBoolean() ? fullWidth(String.valueOf(room)) : String.valueOf(room);
        second +=
            space(noise)
                + switch (noise.nextInt(4)) {
                  case 0 -> number;
                  case 1 -> number + "号室";
                  case 2 -> "#" + number;
                  default -> number + "室";
                };
      }
      return JapaneseAddress.normalize(
              postalWritten, prefectureField, cityField, line, second.isBlank() ? null : second)
          .key();
    }

    private String blockWritten(Random noise) {
      List<String> numbers = new ArrayList<>();
      boolean kanji = noise.nextBoolean();
      for (int number : block) {
        numbers.add(
            kanji ? kanji(number) : noise.nextBoolean() ? fullWidth("" + number) : "" + number);
      }
      if (kanji || noise.nextBoolean()) {
        String[] words = {"丁目", "番", "号"};
        if (block.size() == 2) {
          words = new String[] {"丁目", "番地"};
        } else if (block.size() == 1) {
          words = new String[] {"番地"};
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
          out.append(numbers.get(i)).append(words[i]);
        }
        return out.toString();
      }
      StringBuilder out = new StringBuilder(numbers.get(0));
      for (int i = 1; i < numbers.size(); i++) {
        out.append(dash(noise)).append(numbers.get(i));
      }
      return out.toString();
    }
  }

  static String kanji(int number) {
    if (number < 10) {
      return String.valueOf(KANJI.charAt(number));
    }
    int tens = number / 10;
    int ones = number % 10;
    return (tens == 1 ? "" : String.valueOf(KANJI.charAt(tens)))
        + "十"
        + (ones == 0 ? "" : String.valueOf(KANJI.charAt(ones)));
  }

  static String fullWidth(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(c >= '!' && c <= '~' ? (char) (c - '!' + '！') : c);
    }
    return out.toString();
  }

  static String katakanaWidth(String text, Random noise) {
    if (!noise.nextBoolean()) {
      return noise.nextBoolean() ? fullWidth(text) : text;
    }
    // Half-width katakana: NFKC's inverse is not in the JDK, so map the few letters used here.
    String half = "ﾒｿﾞﾝ青山";
    return text.equals("メゾン青山") ? half : text.equals("コーポ") ? "ｺｰﾎﾟ" : text;
  }

  static String dash(Random noise) {
    return String.valueOf(DASHES.charAt(noise.nextInt(DASHES.length())));
  }

  static String space(Random noise) {
    return switch (noise.nextInt(3)) {
      case 0 -> "";
      case 1 -> " ";
      default -> "　";
    };
  }

  @Provide
  Arbitrary<Place> places() {
    Arbitrary<String> postal = Arbitraries.strings().numeric().ofLength(7);
    Arbitrary<List<Integer>> block =
        Arbitraries.integers().between(1, 29).list().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(
            postal,
            Arbitraries.of(PREFECTURES),
            Arbitraries.of(CITIES),
            Arbitraries.of(TOWNS),
            block,
            Arbitraries.of(BUILDINGS),
            Arbitraries.integers().between(0, 1205),
            Arbitraries.longs())
        .as(Place::new);
  }

  @Property(tries = 2000)
  void everyWayOfWritingAnAddressHasTheSameKey(@ForAll("places") Place place) {
    assertThat(place.noisyKey()).as(place.toString()).isEqualTo(place.plainKey());
  }

  @Property(tries = 500)
  void anotherBlockNumberOrRoomIsAnotherKey(@ForAll("places") Place place) {
    List<Integer> otherBlock = new ArrayList<>(place.block());
    otherBlock.set(otherBlock.size() - 1, otherBlock.get(otherBlock.size() - 1) + 1);
    Place elsewhere =
        new Place(
            place.postal(),
            place.prefecture(),
            place.city(),
            place.town(),
            otherBlock,
            place.building(),
            place.room(),
            place.noiseSeed());
    Place otherRoom =
        new Place(
            place.postal(),
            place.prefecture(),
            place.city(),
            place.town(),
            place.block(),
            place.building(),
            place.room() + 1,
            place.noiseSeed());
    assertThat(elsewhere.noisyKey()).isNotEqualTo(place.plainKey());
    assertThat(otherRoom.noisyKey()).isNotEqualTo(place.plainKey());
  }

  @Property(tries = 500)
  void keysAreInNfkcForm(@ForAll("places") Place place) {
    String key = place.noisyKey();
    assertThat(Normalizer.isNormalized(key, Normalizer.Form.NFKC)).isTrue();
    assertThat(key).doesNotContain(" ", "　");
  }
}
