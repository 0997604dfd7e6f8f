package io.ecengine.persistence;

import io.ecengine.engine.sku.SkuEntity;
import io.ecengine.engine.sku.SkuEvent;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Writes given SKU events to the journal exactly as the SKU entity does (same persistence id, one
 * tag), so read-side tests do not depend on the entity's command protocol.
 */
final class SkuEventWriter extends EventSourcedBehavior<SkuEventWriter.Write, SkuEvent, Long> {

  record Write(SkuEvent event, ActorRef<Done> replyTo) {}

  private final String tag;

  private SkuEventWriter(String entityId) {
    // Built by hand: PersistenceId.of (used by SkuEntity.persistenceId) rejects entity ids that
    // hold "|", and every SKU entity id does.
    super(PersistenceId.ofUniqueId(SkuEntity.TYPE_KEY.name() + "|" + entityId));
    this.tag = SkuEntity.TAGS.get(Math.floorMod(entityId.hashCode(), SkuEntity.TAGS.size()));
  }

  static Behavior<Write> create(String entityId) {
    return new SkuEventWriter(entityId);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Write, SkuEvent, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Write.class,
            write -> Effect().persist(write.event()).thenReply(write.replyTo(), s -> Done.done()))
        .build();
  }

  @Override
  public EventHandler<Long, SkuEvent> eventHandler() {
    return (count, event) -> count + 1;
  }

  @Override
  public Set<String> tagsFor(SkuEvent event) {
    return Set.of(tag);
  }
}
