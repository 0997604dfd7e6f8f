package io.ecengine.persistence;

import io.ecengine.engine.order.OrderEntity;
import io.ecengine.engine.order.OrderEvent;
import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import io.ecengine.engine.sku.SkuId;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Writes given events to the journal exactly as an entity does (same persistence id, same tag), so
 * read-side tests do not depend on the entities' command protocols.
 */
final class JournalWriter<E> extends EventSourcedBehavior<JournalWriter.Write<E>, E, Long> {

  record Write<E>(E event, ActorRef<Done> replyTo) {}

  private final String tag;

  private JournalWriter(PersistenceId persistenceId, String tag) {
    super(persistenceId);
    this.tag = tag;
  }

  /** Writes as the SKU entity of {@code sku}. */
  static Behavior<Write<SkuEvent>> forSku(SkuId sku) {
    // Built by hand: PersistenceId.of (used by SkuEntity.persistenceId) rejects entity ids that
    // hold "|", and every SKU entity id does.
    return new JournalWriter<>(
        PersistenceId.ofUniqueId(SkuEntity.TYPE_KEY.name() + "|" + sku.entityId()),
        tagOf(sku.entityId(), SkuEntity.TAGS));
  }

  /** Writes as the order entity of the tenant's order. */
  static Behavior<Write<OrderEvent>> forOrder(String tenantId, String orderId) {
    String entityId = OrderEntity.entityId(tenantId, orderId);
    return new JournalWriter<>(
        OrderEntity.persistenceId(entityId), tagOf(entityId, OrderEntity.TAGS));
  }

  /** The tag an entity puts on all its events, chosen as the entities choose it. */
  private static String tagOf(String entityId, List<String> tags) {
    return tags.get(Math.floorMod(entityId.hashCode(), tags.size()));
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CommandHandler<Write<E>, E, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            (Class<Write<E>>) (Class<?>) Write.class,
            write -> Effect().persist(write.event()).thenReply(write.replyTo(), s -> Done.done()))
        .build();
  }

  @Override
  public EventHandler<Long, E> eventHandler() {
    return (count, event) -> count + 1;
  }

  @Override
  public Set<String> tagsFor(E event) {
    return Set.of(tag);
  }
}
