package dev.tickerlake.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the CPU went during a measurement, from {@code /proc} (Linux; zeros elsewhere): this JVM, the JVMs it started
 * (the remote run's Flink cluster), and everything else on the machine (other builds: the noise a figure carries).
 * Times are in clock ticks ({@code USER_HZ}, 100 on Linux), turned into seconds and into cores busy on average.
 */
final class Cpu {

    private static final double HZ = 100;
    /** The JVM's own threads by name: the garbage collector's (G1) and the JIT compilers'; the rest is the work. */
    private static final List<String> KINDS = List.of("Gc", "Jit");

    /**
     * Ticks at one moment: the whole machine's (busy and all), this JVM's own, and its children's: those it reaped
     * (cutime + cstime: a cluster JVM that ended, with what its own reaped children used) plus each live descendant's
     * own and reaped (by pid).
     */
    record Sample(long nanos, long machineBusy, long machineTotal, long self, long reaped, Map<Long, Long> children,
                  Map<String, Long> selfThreads, Map<Long, Map<String, Long>> childThreads) {
        long allChildren() {
            return reaped + children.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Cpu() {
    }

    static Sample sample() {
        long busy = 0;
        long total = 0;
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i != 4 && i != 5) {
                    busy += value;
                }
            }
        } catch (Exception notLinux) {
            // left at 0
        }
        Map<Long, Long> children = new LinkedHashMap<>();
        Map<Long, Map<String, Long>> childThreads = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            long[] t = ticks(p.pid());
            children.put(p.pid(), t[0] + t[1]);
            childThreads.put(p.pid(), threads(p.pid()));
        });
        long self = ProcessHandle.current().pid();
        long[] own = ticks(self);
        return new Sample(System.nanoTime(), busy, total, own[0], own[1], children, threads(self), childThreads);
    }

    /**
     * From {@code from} to {@code to}: {@code harnessSeconds} (this JVM: the servers, tickerlake, embedded Flink),
     * {@code clusterSeconds} (the JVMs it started), {@code othersCores} (cores the rest of the machine kept busy on
     * average: another build next to the run), {@code idleCores}.
     */
    static Map<String, Object> between(Sample from, Sample to) {
        Map<String, Object> used = new LinkedHashMap<>();
        double wall = (to.nanos() - from.nanos()) / 1e9;
        long self = to.self() - from.self();
        // A JVM that ended in between moved its ticks into its parent's reaped ticks: the sum stays whole.
        long children = to.allChildren() - from.allChildren();
        long busy = to.machineBusy() - from.machineBusy();
        long total = to.machineTotal() - from.machineTotal();
        int cores = Runtime.getRuntime().availableProcessors();
        used.put("wallSeconds", round(wall));
        used.put("harnessCpuSeconds", round(self / HZ));
        for (String kind : KINDS) {
            used.put("harness" + kind + "Seconds", round((to.selfThreads().getOrDefault(kind, 0L)
                    - from.selfThreads().getOrDefault(kind, 0L)) / HZ));
        }
        used.put("clusterCpuSeconds", round(children / HZ));
        for (String kind : KINDS) {
            // A cluster JVM started in between counts from 0; one that ended in between is left out (counted below).
            long ticks = 0;
            for (Map.Entry<Long, Map<String, Long>> child : to.childThreads().entrySet()) {
                ticks += child.getValue().getOrDefault(kind, 0L)
                        - from.childThreads().getOrDefault(child.getKey(), Map.of()).getOrDefault(kind, 0L);
            }
            used.put("cluster" + kind + "Seconds", round(ticks / HZ));
        }
        long ended = from.children().keySet().stream().filter(pid -> !to.children().containsKey(pid)).count();
        if (ended > 0) {
            // e.g. a TaskManager that died and was started again: its GC and JIT until then are not in the split.
            used.put("clusterProcessesEnded", ended);
        }
        if (total > 0) {
            used.put("othersCores", round(Math.max(0, busy - self - children) * (double) cores / total));
            used.put("idleCores", round((total - busy) * (double) cores / total));
        }
        return used;
    }

    /** The machine's load average now (1, 5, 15 minutes), as {@code /proc/loadavg} has it. */
    static List<Double> loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.valueOf(fields[0]), Double.valueOf(fields[1]), Double.valueOf(fields[2]));
        } catch (Exception notLinux) {
            return List.of();
        }
    }

    /**
     * Ticks of a JVM's garbage-collector threads ({@code GC Thread#n}, {@code G1 ...}) and JIT compiler threads
     * ({@code C1/C2 CompilerThre...}), from /proc/pid/task/tid/stat; these live as long as the JVM.
     */
    private static Map<String, Long> threads(long pid) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") ? "Gc"
                            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "Jit" : null;
                    if (kind != null) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        kinds.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                    }
                } catch (Exception gone) {
                    // the thread ended meanwhile
                }
            });
        } catch (Exception notLinux) {
            // none
        }
        return kinds;
    }

    /**
     * {own, reaped children's} ticks of a process: utime + stime and cutime + cstime, fields 14 to 17 of
     * /proc/pid/stat (the name in parentheses before them may hold spaces).
     */
    private static long[] ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
        } catch (Exception gone) {
            return new long[] {0, 0};
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
