package io.ecengine.engine.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CarrierTest {

  @Test
  void trackingNumbersAreTwelveDigitsWithTheirCheckDigit() {
    assertThat(Carrier.YAMATO.trackingNumber("4444-1375-8703")).contains("444413758703");
    assertThat(Carrier.YAMATO.trackingNumber("４４４４１３７５８７０３")).contains("444413758703");
    assertThat(Carrier.SAGAWA.trackingNumber("5125 4751 4334")).contains("512547514334");
    assertThat(Carrier.JAPAN_POST.trackingNumber("4055-4842-4886")).contains("405548424886");
    assertThat(Carrier.YAMATO.trackingNumber("444413758704")).isEmpty();
    assertThat(Carrier.YAMATO.trackingNumber("44441375870")).isEmpty();
    assertThat(Carrier.YAMATO.trackingNumber("4444137587031")).isEmpty();
    assertThat(Carrier.YAMATO.trackingNumber("ABCD13758703")).isEmpty();
    assertThat(Carrier.YAMATO.trackingNumber(null)).isEmpty();
  }

  @Test
  void carriersAndSlotsByTheirIds() {
    assertThat(Carrier.fromId("sagawa")).contains(Carrier.SAGAWA);
    assertThat(Carrier.fromId("fedex")).isEmpty();
    assertThat(TimeSlot.fromId("19-21")).contains(TimeSlot.H19_21);
    assertThat(TimeSlot.MORNING.code(Carrier.YAMATO)).contains("0812");
    assertThat(TimeSlot.MORNING.code(Carrier.SAGAWA)).contains("01");
    assertThat(TimeSlot.H19_21.code(Carrier.YAMATO)).contains("1921");
    assertThat(TimeSlot.H18_21.code(Carrier.SAGAWA)).contains("04");
    assertThat(TimeSlot.H12_14.code(Carrier.YAMATO)).isEmpty();
    assertThat(TimeSlot.H18_21.code(Carrier.YAMATO)).isEmpty();
  }

  @Test
  void shipmentIdsAreSixteenCharactersAndStable() {
    String id = ShipmentIds.home("ord_0123456789abcdef01234567");
    assertThat(id)
        .hasSize(16)
        .startsWith("S")
        .isEqualTo(ShipmentIds.home("ord_0123456789abcdef01234567"));
    assertThat(ShipmentIds.looksValid(id)).isTrue();
    assertThat(ShipmentIds.home("ord_0123456789abcdef01234568")).isNotEqualTo(id);
    assertThat(ShipmentIds.looksValid("S0123")).isFalse();
  }
}
