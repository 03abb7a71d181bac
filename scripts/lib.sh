# Shared by the scripts: work from the repository root and build the jar when the sources are newer.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
JAR=target/switchboard.jar

ensure_jar() {
  if [ ! -f "$JAR" ] || [ -n "$(find src clients/java/src pom.xml docs/api clients/js/*.js clients/js/*.d.ts -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    echo "building $JAR ..." >&2
    mvn -B -q -DskipTests package >&2 || { echo "build failed" >&2; exit 1; }
  fi
}

# Lets Hazelcast use the JDK internals it is faster with (it warns without them).
HZ_JAVA_OPTS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
 --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

# A throw-away node for end-to-end checks: free ports, temporary data, known secrets, every service on.
# start_test_node <name> starts it and waits for every /health; it sets WORK (conf and server.log),
# SERVER_PID, P_SIGNAL P_SECURECALL P_WEBFLOW P_WALLET P_FINGERPRINT P_MANAGEMENT, JWT_SECRET, TURN_SECRET,
# ECDH_INFO, WALLET_KEY, WALLET_ADDRESS, WALLET_FUND, STOMP_HEARTBEAT_MS, FINGERPRINT_HEARTBEAT_MS,
# FINGERPRINT_KEY. The caller defines fail() and traps EXIT to stop_test_node. TEST_NODE_KEEP=1 keeps WORK.
start_test_node() {
  local name=$1
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-$name.XXXXXX")
  SERVER_PID=""
  # Six free ports, asked of the kernel all at once so they differ.
  read -r P_SIGNAL P_SECURECALL P_WEBFLOW P_WALLET P_FINGERPRINT P_MANAGEMENT < <(node -e '
    const net = require("node:net");
    const servers = Array.from({ length: 6 }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok))))
      .then(() => { console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });')
  [ -n "${P_MANAGEMENT:-}" ] || fail "could not find free ports"

  JWT_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  TURN_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '\n')
  # Non-ASCII, through the documented env override: client and server must both use its UTF-8 bytes (so Java
  # runs in a UTF-8 locale below; in the C locale it could not decode the variable and refuses to start).
  ECDH_INFO="$name-signal-ws-ü-v1"
  # Hardhat's well-known test account #1: a public test key, never a real wallet.
  WALLET_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
  WALLET_ADDRESS=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
  WALLET_FUND="$WALLET_ADDRESS=1000000"
  # Short heart-beats (STOMP, Fingerprint JSON ping) so the checks see them within seconds.
  STOMP_HEARTBEAT_MS=500
  FINGERPRINT_HEARTBEAT_MS=1000
  FINGERPRINT_KEY="ak_test_${name}_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

  cat >"$WORK/switchboard.json" <<EOF
{
  "profile": "dev",
  "management": { "host": "127.0.0.1", "port": $P_MANAGEMENT },
  "signal": { "host": "127.0.0.1", "port": $P_SIGNAL },
  "securecall": { "host": "127.0.0.1", "port": $P_SECURECALL, "dataDir": "$WORK/securecall" },
  "webflow": { "host": "127.0.0.1", "port": $P_WEBFLOW, "stomp": { "heartbeatMs": $STOMP_HEARTBEAT_MS } },
  "wallet": { "host": "127.0.0.1", "port": $P_WALLET, "chainId": 8453,
              "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
              "ledger": { "enabled": true, "dataDir": "$WORK/wallet-ledger" } },
  "fingerprint": { "host": "127.0.0.1", "port": $P_FINGERPRINT, "heartbeatIntervalMs": $FINGERPRINT_HEARTBEAT_MS,
                   "hardware": { "usb": { "enabled": false } } }
}
EOF

  # Only this run's settings: nothing from the caller's environment may move a port or change a secret.
  (
    for var in $(compgen -e | grep -E '^(SWITCHBOARD_|APP_ENV_WEBSOCKET_)'); do unset "$var"; done
    SWITCHBOARD_JWT_SECRET="$JWT_SECRET" SWITCHBOARD_TURN_SECRET="$TURN_SECRET" APP_ENV_WEBSOCKET_ECDH_INFO="$ECDH_INFO" \
    SWITCHBOARD_WALLET_FUND="$WALLET_FUND" \
    SWITCHBOARD_FINGERPRINT_API_KEYS="$FINGERPRINT_KEY=device:read|fingerprint:scan" \
      LC_ALL=C.UTF-8 exec java ${JAVA_OPTS:-} -jar "$JAR" --conf "$WORK/switchboard.json" >"$WORK/server.log" 2>&1
  ) &
  SERVER_PID=$!

  # Ready when every HTTP server answers /health; bounded so a node that never comes up fails the run.
  local deadline=$((SECONDS + ${TEST_NODE_START_TIMEOUT:-90})) port
  for port in $P_MANAGEMENT $P_SIGNAL $P_SECURECALL $P_WEBFLOW $P_WALLET $P_FINGERPRINT; do
    until curl -fsS -m 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
      kill -0 "$SERVER_PID" 2>/dev/null || test_node_failed "the node exited during start-up"
      [ $SECONDS -lt $deadline ] || test_node_failed "no /health on port $port within ${TEST_NODE_START_TIMEOUT:-90} s"
      sleep 0.25
    done
  done
  echo "node up (pid $SERVER_PID): signal $P_SIGNAL, securecall $P_SECURECALL, webflow $P_WEBFLOW, wallet $P_WALLET, fingerprint $P_FINGERPRINT, management $P_MANAGEMENT"
}

test_node_failed() {
  echo "--- last lines of the server log ---" >&2
  tail -n 40 "$WORK/server.log" >&2
  fail "$*"
}

# Stops the node started by start_test_node (TERM, then KILL after 10 s) and removes its WORK directory.
stop_test_node() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  [ -n "${WORK:-}" ] || return 0
  if [ "${TEST_NODE_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}

# After a failed run: whether the node survived, and the errors it logged.
report_test_node_errors() {
  kill -0 "$SERVER_PID" 2>/dev/null || echo "the node died during the run" >&2
  echo "--- errors in the server log ---" >&2
  grep -iE 'ERROR|Exception' "$WORK/server.log" | tail -n 20 >&2
}
