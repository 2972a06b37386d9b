package dev.tickerlake.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The machine a measurement ran on, as the benchmark and fault reports record it: cores, CPU, RAM, JDK, OS. */
public final class Machine {

    private Machine() {
    }

    /** {@code cores}, {@code cpu}, {@code memoryGiB}, {@code jdk}, {@code os} and a one-line {@code summary}. */
    public static Map<String, Object> describe() {
        Map<String, Object> machine = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = firstValue("/proc/cpuinfo", "model name");
        String memKb = firstValue("/proc/meminfo", "MemTotal").replaceAll("[^0-9]", "");
        double memGiB = memKb.isEmpty() ? 0 : Long.parseLong(memKb) / 1024.0 / 1024.0;
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        machine.put("cores", cores);
        machine.put("cpu", cpu);
        machine.put("memoryGiB", Math.round(memGiB * 10) / 10.0);
        machine.put("jdk", jdk);
        machine.put("os", os);
        machine.put("summary", String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s, %s", cores, cpu, memGiB,
                jdk, os));
        return machine;
    }

    private static String firstValue(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux: leave it out
        }
        return "";
    }
}
