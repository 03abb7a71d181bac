# Shared by the scripts: work from the repository root and build the jar when the sources are newer.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
JAR=target/switchboard.jar

ensure_jar() {
  if [ ! -f "$JAR" ] || [ -n "$(find src clients/java/src pom.xml docs/api clients/js/*.js clients/js/*.d.ts -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    echo "building $JAR ..." >&2
    command -v mvn >/dev/null && command -v java >/dev/null || { echo "building the jar needs mvn and java (JDK 17+)" >&2; exit 1; }
    mvn -B -q -DskipTests package >&2 || { echo "build failed" >&2; exit 1; }
  fi
}

# The java that runs a node. SWITCHBOARD_JAVA forces one: a java binary, a JDK directory, or plain `java` for
# the PATH's. Otherwise the newest JDK 21 or later in JAVA_HOME or under /usr/lib/jvm: its JIT runs the Signal
# handshake's P-256 work and the per-message AES-GCM faster than 17's (docs/performance.md). Otherwise the
# PATH's java, 17 or later, which stays fully supported.
node_java() {
  if [ -n "${SWITCHBOARD_JAVA:-}" ]; then
    if [ -d "$SWITCHBOARD_JAVA" ]; then echo "$SWITCHBOARD_JAVA/bin/java"; else echo "$SWITCHBOARD_JAVA"; fi
    return
  fi
  local best=java best_major=20 dir major
  for dir in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$dir/bin/java" ] && [ -f "$dir/release" ] || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then
      best="$dir/bin/java"
      best_major=$major
    fi
  done
  echo "$best"
}

# Lets Hazelcast use the JDK internals it is faster with (it warns without them), and usb4java load its native
# library (JDK 22 and later warn without that; 17 accepts the flag).
HZ_JAVA_OPTS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
 --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
 --enable-native-access=ALL-UNNAMED"

# Collector and heap sizing of a node (scripts/start, and the servers scripts/bench measures). G1 for short
# pauses on many cores; a small initial heap that grows with the connections, a ceiling at half the RAM;
# after a collection at most 20 % of the heap stays committed but unused, and an idle node collects every
# 30 s, so the memory of connections that closed goes back to the OS. docs/performance.md says why.
# JAVA_OPTS, given after these, overrides any of them.
SERVER_MEMORY_OPTS="-XX:+UseG1GC -Xms64m -XX:MaxRAMPercentage=50 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 \
 -XX:G1PeriodicGCInterval=30000"

# A throw-away node for end-to-end checks: free ports, temporary data, known secrets, every service on.
# start_test_node <name> starts it and waits for every /health; it sets WORK (conf and server.log),
# SERVER_PID, P_SIGNAL P_SECURECALL P_WEBFLOW P_WALLET P_FINGERPRINT P_MANAGEMENT, JWT_SECRET, TURN_SECRET,
# ECDH_INFO, WALLET_KEY, WALLET_ADDRESS, WALLET_FUND, STOMP_HEARTBEAT_MS, FINGERPRINT_HEARTBEAT_MS,
# FINGERPRINT_KEY. The caller defines fail() and traps EXIT to stop_test_node. TEST_NODE_KEEP=1 keeps WORK.
# start_test_node <name> <extra-conf> [VAR=value ...]: the JSON object extra-conf is merged into the generated
# configuration (objects key by key, anything else replaced), and each VAR=value is set for the node.
# The free ports are only free when asked: another process may bind one before the node does. Then the node
# starts again on other ports (three attempts).
start_test_node() {
  local attempt
  for attempt in 1 2 3; do
    start_test_node_once "$@" && return 0
    echo "a port was taken before the node could bind it (attempt $attempt); trying other ports" >&2
    [ $attempt -eq 3 ] || rm -rf "$WORK"
  done
  test_node_failed "ports were taken before the node could bind them, three times"
}

# One attempt of start_test_node; answers 1 when the node exited because a port was taken.
start_test_node_once() {
  local name=$1 extra_conf=${2:-}
  shift $(($# < 2 ? $# : 2))
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
  if [ -n "$extra_conf" ]; then
    node -e '
      const fs = require("node:fs");
      const [file, extra] = process.argv.slice(1);
      const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
      const merge = (into, from) => {
        for (const [key, value] of Object.entries(from)) {
          into[key] = isObject(value) && isObject(into[key]) ? merge(into[key], value) : value;
        }
        return into;
      };
      fs.writeFileSync(file, JSON.stringify(merge(JSON.parse(fs.readFileSync(file, "utf8")), JSON.parse(extra)), null, 2));
    ' "$WORK/switchboard.json" "$extra_conf" || fail "the extra configuration is not a JSON object: $extra_conf"
  fi

  # Only this run's settings: nothing from the caller's environment may move a port or change a secret.
  (
    for var in $(compgen -e | grep -E '^(SWITCHBOARD_|APP_ENV_WEBSOCKET_)'); do unset "$var"; done
    SWITCHBOARD_JWT_SECRET="$JWT_SECRET" SWITCHBOARD_TURN_SECRET="$TURN_SECRET" APP_ENV_WEBSOCKET_ECDH_INFO="$ECDH_INFO" \
    SWITCHBOARD_WALLET_FUND="$WALLET_FUND" \
    SWITCHBOARD_FINGERPRINT_API_KEYS="$FINGERPRINT_KEY=device:read|fingerprint:scan" \
      LC_ALL=C.UTF-8 exec env "$@" "$(node_java)" ${JAVA_OPTS:-} -jar "$JAR" --conf "$WORK/switchboard.json" >"$WORK/server.log" 2>&1
  ) &
  SERVER_PID=$!

  # Ready when every HTTP server answers /health; bounded so a node that never comes up fails the run.
  local deadline=$((SECONDS + ${TEST_NODE_START_TIMEOUT:-90})) port
  for port in $P_MANAGEMENT $P_SIGNAL $P_SECURECALL $P_WEBFLOW $P_WALLET $P_FINGERPRINT; do
    until curl -fsS -m 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        grep -q 'Address already in use' "$WORK/server.log" && return 1
        test_node_failed "the node exited during start-up"
      fi
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
  WORK="" SERVER_PID=""
}

# After a failed run: whether the node survived, and the errors it logged.
report_test_node_errors() {
  kill -0 "$SERVER_PID" 2>/dev/null || echo "the node died during the run" >&2
  echo "--- errors in the server log ---" >&2
  grep -iE 'ERROR|Exception' "$WORK/server.log" | tail -n 20 >&2
}

# Keycloak for the identity-provider check: the keycloak-quarkus-dist zip from Maven Central (kept in the
# local Maven repository), unpacked once into run/keycloak/keycloak-<version> (git-ignored) and reused.
KEYCLOAK_VERSION=${KEYCLOAK_VERSION:-26.7.3}

# Keycloak needs Java 21 or later: $KEYCLOAK_JAVA_HOME, else the newest such JDK under /usr/lib/jvm.
keycloak_java_home() {
  local candidate major
  for candidate in ${KEYCLOAK_JAVA_HOME:-} $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] || continue
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Sets KEYCLOAK_HOME, downloading and unpacking the distribution the first time.
ensure_keycloak() {
  KEYCLOAK_HOME="$PWD/run/keycloak/keycloak-$KEYCLOAK_VERSION"
  [ -x "$KEYCLOAK_HOME/bin/kc.sh" ] && return 0
  local zip="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
  if [ ! -f "$zip" ]; then
    echo "downloading Keycloak $KEYCLOAK_VERSION from Maven Central ..." >&2
    mvn -B -q dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" -Dtransitive=false >&2 \
      || fail "could not fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip"
    [ -f "$zip" ] || fail "Maven fetched Keycloak, but not to $zip (set MAVEN_REPO_LOCAL to the local repository)"
  fi
  command -v unzip >/dev/null || fail "unzip is needed to unpack Keycloak"
  local staging
  staging=$(mktemp -d "$PWD/run/keycloak/.unpack.XXXXXX") || fail "cannot create run/keycloak"
  unzip -q "$zip" -d "$staging" || { rm -rf "$staging"; fail "could not unpack $zip"; }
  # Renamed into place whole, so an interrupted unpack is never taken for a complete one.
  mv "$staging/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME" 2>/dev/null || [ -x "$KEYCLOAK_HOME/bin/kc.sh" ] \
    || { rm -rf "$staging"; fail "unexpected layout in $zip"; }
  rm -rf "$staging"
}

# start_keycloak <realm.json>: Keycloak in dev mode (in-memory database) on free loopback ports, the realm
# imported; waits until the realm's discovery document answers. Sets KEYCLOAK_PID, KEYCLOAK_URL,
# KEYCLOAK_LOG, KEYCLOAK_ADMIN_PASSWORD (of the bootstrap admin "admin" in the master realm).
start_keycloak() {
  local realm_file=$1 realm java_home http_port management_port
  mkdir -p run/keycloak
  java_home=$(keycloak_java_home) || fail "Keycloak needs Java 21 or later: none under /usr/lib/jvm (set KEYCLOAK_JAVA_HOME)"
  ensure_keycloak
  realm=$(node -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).realm' "$realm_file") \
    || fail "cannot read the realm name from $realm_file"
  # Keycloak binds its ports minutes after they are chosen: they are taken from just below the kernel's
  # ephemeral range, which no outgoing connection and no other "any free port" request ever uses.
  read -r http_port management_port < <(node -e '
    const net = require("node:net");
    const fs = require("node:fs");
    const low = Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
    const tryPort = (port) => new Promise((ok) => {
      const s = net.createServer();
      s.once("error", () => ok(false));
      s.listen(port, "127.0.0.1", () => s.close(() => ok(true)));
    });
    (async () => {
      const ports = [];
      for (let i = 0; i < 200 && ports.length < 2; i++) {
        const port = low - 10000 + Math.floor(Math.random() * 10000);
        if (!ports.includes(port) && await tryPort(port)) ports.push(port);
      }
      console.log(ports.join(" "));
    })();')
  [ -n "${management_port:-}" ] || fail "could not find free ports for Keycloak"
  # Only this realm is imported, whatever an earlier run with another file left there.
  mkdir -p "$KEYCLOAK_HOME/data/import"
  rm -f "$KEYCLOAK_HOME"/data/import/*.json
  cp "$realm_file" "$KEYCLOAK_HOME/data/import/$realm.json"
  KEYCLOAK_URL="http://127.0.0.1:$http_port"
  KEYCLOAK_LOG="$(mktemp -d "${TMPDIR:-/tmp}/keycloak.XXXXXX")/keycloak.log"
  KEYCLOAK_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '\n/+=')
  echo "starting Keycloak $KEYCLOAK_VERSION ($java_home) on port $http_port ..." >&2
  (
    # C1 only: a short-lived test server starts faster without the optimising compiler's work, most of all on
    # a busy machine.
    JAVA_HOME="$java_home" JAVA_OPTS_APPEND="${KEYCLOAK_JAVA_OPTS_APPEND:--XX:TieredStopAtLevel=1}" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD" \
      exec "$KEYCLOAK_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$http_port" \
      --http-management-port="$management_port" --db=dev-mem --import-realm >"$KEYCLOAK_LOG" 2>&1
  ) &
  KEYCLOAK_PID=$!
  local started=$SECONDS deadline=$((SECONDS + ${KEYCLOAK_START_TIMEOUT:-600}))
  until curl -fsS -m 2 "$KEYCLOAK_URL/realms/$realm/.well-known/openid-configuration" >/dev/null 2>&1; do
    if ! kill -0 "$KEYCLOAK_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "--- last lines of the Keycloak log ---" >&2
      tail -n 30 "$KEYCLOAK_LOG" >&2
      fail "Keycloak did not serve realm $realm within ${KEYCLOAK_START_TIMEOUT:-600} s"
    fi
    sleep 1
  done
  echo "Keycloak up after $((SECONDS - started)) s (pid $KEYCLOAK_PID): $KEYCLOAK_URL/realms/$realm"
}

# Stops the Keycloak started by start_keycloak: TERM (kc.sh passes it on to Java), KILL after 20 s.
stop_keycloak() {
  [ -n "${KEYCLOAK_PID:-}" ] || return 0
  if kill -0 "$KEYCLOAK_PID" 2>/dev/null; then
    kill "$KEYCLOAK_PID" 2>/dev/null
    for _ in $(seq 1 200); do kill -0 "$KEYCLOAK_PID" 2>/dev/null || break; sleep 0.1; done
    pkill -9 -P "$KEYCLOAK_PID" 2>/dev/null
    kill -9 "$KEYCLOAK_PID" 2>/dev/null
    wait "$KEYCLOAK_PID" 2>/dev/null
  fi
  [ -n "${KEYCLOAK_LOG:-}" ] && [ "${TEST_NODE_KEEP:-0}" != 1 ] && rm -rf "$(dirname "$KEYCLOAK_LOG")"
  KEYCLOAK_PID=""
}
