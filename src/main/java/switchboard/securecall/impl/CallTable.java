package switchboard.securecall.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import switchboard.bus.Addresses;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster-wide call table: callId → {@link CallRecord}, a SharedData async map (Hazelcast in a cluster,
 * with a backup copy). Every state change is a compare-and-set on the stored record, so two nodes racing
 * (accept against timeout, two hang-ups) agree on one winner and only the winner notifies.
 */
public final class CallTable {


  private final Future<AsyncMap<String, JsonObject>> map;

  public CallTable(Vertx vertx) {
    this.map = vertx.sharedData().getAsyncMap(Addresses.SECURECALL_CALLS_MAP);
  }

  /** Adds a ringing call; false when the callId is already in use. */
  public Future<Boolean> create(CallRecord call) {
    return map.compose(m -> m.putIfAbsent(call.callId(), call.toJson())).map(previous -> previous == null);
  }

  /** The call, or null. */
  public Future<CallRecord> get(String callId) {
    return map.compose(m -> m.get(callId)).map(json -> json == null ? null : CallRecord.fromJson(json));
  }

  /** ringing → active, only if the call is still exactly {@code ringing}. */
  public Future<Boolean> activate(CallRecord ringing) {
    return map.compose(m -> m.replaceIfPresent(ringing.callId(), ringing.toJson(), ringing.activated().toJson()));
  }

  /** Removes the call only if it is still exactly {@code call}; true for the one caller that did. */
  public Future<Boolean> remove(CallRecord call) {
    return map.compose(m -> m.removeIfPresent(call.callId(), call.toJson()));
  }

  /** Calls with a party on {@code nodeId}, for clean-up when that node leaves the cluster. */
  public Future<List<CallRecord>> involving(String nodeId) {
    return map.compose(AsyncMap::values).map(values -> {
      List<CallRecord> out = new ArrayList<>();
      for (JsonObject json : values) {
        CallRecord call = CallRecord.fromJson(json);
        if (nodeId.equals(call.callerNode()) || nodeId.equals(call.calleeNode())) {
          out.add(call);
        }
      }
      return out;
    });
  }
}
