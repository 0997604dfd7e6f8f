package io.ecengine.engine.fulfillment;

/**
 * One data row of a carrier's result file: which of our shipments (the reference we wrote into the
 * label file) got which tracking number, as written. {@code error} says why the row could not even
 * be read; {@code row} is the line of the file, counted from 1 as a spreadsheet does.
 */
public record CarrierResult(int row, String shipmentId, String trackingNumber, String error) {

  static CarrierResult unreadable(int row, String error) {
    return new CarrierResult(row, null, null, error);
  }
}
