package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecengine.engine.fulfillment.JapaneseAddress.NormalizedAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JapaneseAddressTest {

  private static NormalizedAddress of(
      String postal, String prefecture, String city, String line1, String line2) {
    return JapaneseAddress.normalize(postal, prefecture, city, line1, line2);
  }

  private static String key(String postal, String prefecture, String city, String line1) {
    return of(postal, prefecture, city, line1, null).key();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1500001|1500001",
        "150-0001|1500001",
        "１５０－０００１|1500001",
        "〒１５０－０００１|1500001",
        "〒150-0001|1500001",
        "150ー0001|1500001",
        "150‐0001|1500001",
        "150 0001|1500001",
        "  150-0001  |1500001",
      })
  void readsPostalCodesInEveryForm(String written, String expected) {
    assertThat(JapaneseAddress.postalCode(written)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"15000012", "150-001", "abc-defg", "''"})
  void refusesWhatIsNotSevenDigits(String written) {
    assertThat(JapaneseAddress.postalCode(written)).isNull();
  }

  @Test
  void blocksInEveryNotationAreTheSamePlace() {
    String expected = "1500001|渋谷区神南1-2-3";
    for (String line :
        new String[] {
          "神南1-2-3",
          "神南１－２－３",
          "神南1丁目2番3号",
          "神南一丁目二番三号",
          "神南1丁目2-3",
          "神南1丁目2番地3",
          "神南1丁目2番3",
          "神南1ー2ー3",
          "神南1‐2‐3",
          "神南1―2―3",
          "神南1−2−3",
          "神南1–2–3",
          "神南1—2—3",
          "神南１ー２ー３",
          "神南 1-2-3",
          "神南　１－２－３",
          "神南1の2の3",
          "神南一丁目2-3",
          "神南1-2-3号",
          "神南1丁目　2番　3号",
        }) {
      assertThat(key("150-0001", "東京都", "渋谷区", line)).as(line).isEqualTo(expected);
    }
  }

  @Test
  void prefectureWithOrWithoutSuffixInItsFieldTheLineBothOrNowhere() {
    NormalizedAddress plain = of("150-0001", "東京都", "渋谷区", "神南1-2-3", null);
    NormalizedAddress[] variants = {
      of("150-0001", "東京", "渋谷区", "神南1-2-3", null),
      of("150-0001", null, "東京都渋谷区", "神南1-2-3", null),
      of("150-0001", null, null, "東京都渋谷区神南1-2-3", null),
      of("150-0001", "東京都", null, "東京都渋谷区神南1-2-3", null),
      of("150-0001", "", "", "東京渋谷区神南1-2-3", null),
      of("150-0001", null, "渋谷区", "神南1-2-3", null),
      of("150-0001", "東京都", "渋谷区", "渋谷区神南1-2-3", null),
      of("150-0001", "東京都", "渋谷区", "東京都渋谷区神南1-2-3", null),
    };
    for (NormalizedAddress variant : variants) {
      assertThat(variant.key()).as(variant.toString()).isEqualTo(plain.key());
    }
    assertThat(variants[1].prefecture()).isEqualTo("東京都");
    assertThat(variants[4].prefecture()).isEqualTo("東京都");
  }

  @Test
  void withoutPostalCodeThePrefectureDecides() {
    assertThat(key(null, "大阪", "大阪市北区", "梅田1-1-1"))
        .isEqualTo(key("", "大阪府", "大阪市北区", "梅田１丁目１番１号"))
        .startsWith("大阪府|");
    assertThat(key(null, "大阪府", "大阪市北区", "梅田1-1-1"))
        .isNotEqualTo(key(null, "兵庫県", "大阪市北区", "梅田1-1-1"));
  }

  @Test
  void cityNamesThatStartLikeAPrefectureAreNotMistakenForIt() {
    // 京都市, 大阪市 and 大阪狭山市 are written without their prefecture; none of them is stripped.
    assertThat(of(null, null, null, "京都市中京区河原町通1", null).locality()).isEqualTo("京都市中京区河原町通1");
    assertThat(of(null, null, null, "京都市中京区河原町通1", null).prefecture()).isNull();
    assertThat(of(null, null, null, "大阪狭山市狭山1-2", null).locality()).isEqualTo("大阪狭山市狭山1-2");
    assertThat(of(null, null, null, "京都中京区河原町通1", null).prefecture()).isEqualTo("京都府");
    assertThat(of(null, null, null, "北海道札幌市中央区北1条西2", null).prefecture()).isEqualTo("北海道");
    assertThat(of(null, null, null, "神奈川県横浜市神奈川区1-2", null).locality()).isEqualTo("横浜市神奈川区1-2");
  }

  @Test
  void placeNamesWithNumeralsStayNames() {
    assertThat(key("102-0082", "東京都", "千代田区", "一番町5-3")).isEqualTo("1020082|千代田区一番町5-3");
    assertThat(key("106-0045", "東京都", "港区", "麻布十番一丁目2番3号")).isEqualTo("1060045|港区麻布十番1-2-3");
    assertThat(key("106-0045", "東京都", "港区", "麻布十番1-2-3")).isEqualTo("1060045|港区麻布十番1-2-3");
    assertThat(key("192-0083", "東京都", "八王子市", "旭町二十三番地")).isEqualTo("1920083|八王子市旭町23");
    assertThat(key("106-0032", "東京都", "港区", "六本木六丁目10-1"))
        .isEqualTo(key("106-0032", "東京都", "港区", "六本木6丁目10番1号"));
  }

  @Test
  void kanjiNumeralsInBlocks() {
    assertThat(key("100-0005", "東京都", "千代田区", "丸の内二丁目七番二号")).isEqualTo("1000005|千代田区丸の内2-7-2");
    assertThat(key("100-0005", "東京都", "千代田区", "丸ノ内二丁目十三番地の五")).isEqualTo("1000005|千代田区丸の内2-13-5");
    assertThat(key("999-9999", null, null, "大字高田三番地の四")).isEqualTo("9999999|高田3-4");
    assertThat(KanjiNumerals.value("二十三")).isEqualTo(23);
    assertThat(KanjiNumerals.value("百二")).isEqualTo(102);
    assertThat(KanjiNumerals.value("二〇一")).isEqualTo(201);
    assertThat(KanjiNumerals.value("千二百三十四")).isEqualTo(1234);
    assertThat(KanjiNumerals.value("十十")).isEqualTo(-1);
  }

  @Test
  void buildingsRoomsAndFloors() {
    String expected = key("150-0001", "東京都", "渋谷区", "神南1-2-3 メゾン青山101");
    assertThat(expected).isEqualTo("1500001|渋谷区神南1-2-3メゾン青山101");
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1丁目2番3号", "メゾン青山101号室").key()).isEqualTo(expected);
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "ﾒｿﾞﾝ青山 101").key()).isEqualTo(expected);
    assertThat(of("150-0001", "東京都", "渋谷区", "神南１－２－３", "メゾン青山　＃１０１").key()).isEqualTo(expected);
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "メゾン青山101室").key()).isEqualTo(expected);
    // The room is its own number: 1-2-3 and 101 never run together into 1-2-3101.
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "101").key())
        .isEqualTo("1500001|渋谷区神南1-2-3-101");
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "101号室").key())
        .isEqualTo(of("150-0001", "東京都", "渋谷区", "神南1丁目2番3号101", null).key());
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "Aビル5階").key())
        .isEqualTo(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "ａビル５Ｆ").key());
    // A long vowel inside a building name stays a long vowel.
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "コーポ101").locality())
        .isEqualTo("渋谷区神南1-2-3コーポ101");
  }

  @Test
  void differentPlacesStayDifferent() {
    String base = key("150-0001", "東京都", "渋谷区", "神南1-2-3");
    assertThat(key("150-0001", "東京都", "渋谷区", "神南1-2-4")).isNotEqualTo(base);
    assertThat(key("150-0001", "東京都", "渋谷区", "神南1-23")).isNotEqualTo(base);
    assertThat(key("150-0002", "東京都", "渋谷区", "神南1-2-3")).isNotEqualTo(base);
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "101").key())
        .isNotEqualTo(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "102").key());
    assertThat(of("150-0001", "東京都", "渋谷区", "神南1-2-3", "101").key()).isNotEqualTo(base);
  }

  @Test
  void variantKanaAndWidthsFold() {
    assertThat(key("162-0843", "東京都", "新宿区", "市ヶ谷田町1-1"))
        .isEqualTo(key("162-0843", "東京都", "新宿区", "市ケ谷田町1-1"));
    assertThat(key("100-0013", "東京都", "千代田区", "霞が関1-1"))
        .isNotEqualTo(key("100-0013", "東京都", "千代田区", "霞ヶ関1-1"));
    assertThat(key("150-0001", "東京都", "渋谷区", "神南1-2-3 ＡＢＣビル"))
        .isEqualTo(key("150-0001", "東京都", "渋谷区", "神南1-2-3 abcビル"));
  }

  @Test
  void aPostalCodeTypedIntoTheAddressLineIsTakenOut() {
    NormalizedAddress address = of(null, null, null, "〒150-0001 東京都渋谷区神南1-2-3", null);
    assertThat(address.postalCode()).isEqualTo("1500001");
    assertThat(address.prefecture()).isEqualTo("東京都");
    assertThat(address.key()).isEqualTo(key("1500001", "東京都", "渋谷区", "神南1-2-3"));
  }

  @Test
  void nothingToCompareHasNoKey() {
    assertThat(of(null, null, null, null, null).key()).isNull();
    assertThat(JapaneseAddress.normalize(null).key()).isNull();
    assertThat(of("150-0001", "東京都", "", "  ", null).key()).isNull();
  }

  @Test
  void normalisingTwiceChangesNothing() {
    NormalizedAddress once = of("150-0001", "東京都", "渋谷区", "神南一丁目2番3号", "メゾン青山101号室");
    NormalizedAddress twice = of(once.postalCode(), once.prefecture(), null, once.locality(), null);
    assertThat(twice.key()).isEqualTo(once.key());
  }
}
