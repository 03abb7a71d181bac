package switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 10 ms: Linux
 * reports USER_HZ = 100 on every architecture it runs this generator on). The server's CPU over a
 * measured window, divided by the deliveries in it, is the figure that compares servers on a shared box.
 */
public final class ProcessCpu {

  private static final long MICROS_PER_TICK = 10_000;

  private final List<Long> pids;

  /** @param pids processes whose CPU is summed (the servers under test) */
  public ProcessCpu(List<Long> pids) {
    this.pids = List.copyOf(pids);
  }

  public boolean isEmpty() {
    return pids.isEmpty();
  }

  /** Total CPU of the processes so far, µs; a process that is gone counts 0. */
  public long micros() {
    long total = 0;
    for (long pid : pids) {
      total += micros(pid);
    }
    return total;
  }

  /**
   * CPU of the processes' JIT compiler threads so far, µs ({@code /proc/<pid>/task/*}; HotSpot names them
   * "C1 CompilerThread…" and "C2 CompilerThread…"). A fresh server on two shared cores is still compiling
   * tens of seconds in; this tells how much of a window's CPU that was. A compiler thread HotSpot retires
   * takes its CPU with it, so this is a lower bound.
   */
  public long jitMicros() {
    long total = 0;
    for (long pid : pids) {
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String comm = readOrEmpty(task.resolve("comm"));
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            total += micros(task.resolve("stat"));
          }
        }
      } catch (IOException e) {
        // the process is gone: it counts 0
      }
    }
    return total;
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  /** CPU of this JVM so far, µs. */
  public static long selfMicros() {
    return micros(ProcessHandle.current().pid());
  }

  static long micros(long pid) {
    return micros(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static long micros(Path statFile) {
    String stat;
    try {
      stat = Files.readString(statFile);
    } catch (IOException e) {
      return 0;
    }
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MICROS_PER_TICK;
  }

  /** Resident set size of a process, bytes (VmRSS), or -1. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
