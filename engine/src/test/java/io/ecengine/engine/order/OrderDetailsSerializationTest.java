package io.ecengine.engine.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.ecengine.engine.order.OrderEvent.OrderPlaced;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Order details inside stored events, written and read with the engine's CBOR serializer. */
class OrderDetailsSerializationTest {

  private static final ActorTestKit kit =
      ActorTestKit.create(
          "OrderDetailsSerializationTest", ConfigFactory.parseResources("engine-test.conf"));

  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
  private static final OrderDetails.ShipTo SHIP_TO =
      new OrderDetails.ShipTo("山田 太郎", "150-0001", "東京都", "渋谷区", "神南1-2-3", null, "0312345678");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static OrderPlaced placed(OrderDetails details) {
    return new OrderPlaced(
        "ord_1", "rakuten", "R-1", List.of(new OrderLine("MUG", 1)), details, AT, AT);
  }

  @Test
  void theTimeSlotIsStoredWithTheOrder() {
    OrderPlaced placed =
        placed(new OrderDetails(null, SHIP_TO, LocalDate.of(2026, 3, 5), true, "のし", "19-21"));

    Object copy = new SerializationTestKit(kit.system()).verifySerialization(placed, true);

    assertThat(((OrderPlaced) copy).details().deliveryTimeSlot()).isEqualTo("19-21");
  }

  @Test
  void eventsStoredBeforeTheTimeSlotReadAsAskingForNone() throws Exception {
    ObjectMapper mapper =
        JacksonObjectMapperProvider.get(kit.system()).create("jackson-cbor", Optional.empty());
    OrderPlaced today =
        placed(new OrderDetails(null, SHIP_TO, LocalDate.of(2026, 3, 5), true, "のし", "morning"));
    ObjectNode tree = mapper.valueToTree(today);
    ObjectNode details = (ObjectNode) tree.get("details");
    assertThat(details.has("deliveryTimeSlot")).as("the field is written today").isTrue();
    details.remove("deliveryTimeSlot");
    byte[] before = mapper.writeValueAsBytes(tree);

    OrderPlaced read = mapper.readValue(before, OrderPlaced.class);

    assertThat(read.details().deliveryTimeSlot()).isNull();
    assertThat(read)
        .isEqualTo(placed(new OrderDetails(null, SHIP_TO, LocalDate.of(2026, 3, 5), true, "のし")));
  }
}
