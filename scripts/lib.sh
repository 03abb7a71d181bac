# Shared by the scripts: work from the repository root and build the jar when the sources are newer.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
JAR=target/switchboard.jar

ensure_jar() {
  if [ ! -f "$JAR" ] || [ -n "$(find src clients/java/src pom.xml -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    echo "building $JAR ..." >&2
    mvn -B -q -DskipTests package >&2 || { echo "build failed" >&2; exit 1; }
  fi
}

# Lets Hazelcast use the JDK internals it is faster with (it warns without them).
HZ_JAVA_OPTS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
 --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
