package switchboard.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Memory figures for abuse tests. Servers under test run in the test's JVM, so the bytes allocated by the
 * Vert.x event-loop threads measure what an attacker made a node allocate, garbage included, which heap
 * snapshots alone would miss.
 */
public final class Memory {

  private Memory() {
  }

  /** Bytes allocated so far by every live Vert.x event-loop thread. */
  public static long eventLoopAllocatedBytes() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vert.x-eventloop-thread-"))
        .mapToLong(Thread::getId).toArray();
    return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(n -> n > 0).sum();
  }

  /** Heap in use after a collection request, in bytes. */
  public static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** This process's resident set size (VmRSS of /proc/self/status), in bytes. */
  public static long residentSetBytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
