package io.ecengine.engine.order;

/** The state of returned units: sellable ones go back on hand, damaged ones are written off. */
public enum ReturnCondition {
  SELLABLE,
  DAMAGED
}
