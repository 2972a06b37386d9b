package dev.tickerlake.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One figure of the report: what it measures, its unit, one value per run, and details worth keeping. */
public final class Figure {

    private final String id;
    private final String title;
    private final String unit;
    private final List<Double> runs = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private String note;

    public Figure(String id, String title, String unit) {
        this.id = id;
        this.title = title;
        this.unit = unit;
    }

    public Figure add(double value) {
        runs.add(value);
        return this;
    }

    public Figure detail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    public Figure note(String note) {
        this.note = note;
        return this;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String unit() {
        return unit;
    }

    public List<Double> runs() {
        return runs;
    }

    public Map<String, Object> details() {
        return details;
    }

    public String note() {
        return note;
    }

    public boolean measured() {
        return !runs.isEmpty();
    }

    public double median() {
        return Stats.median(runs);
    }

    /** The value in the figure's unit, rounded as a reader wants it. */
    public String format(double value) {
        return switch (unit) {
            case "x" -> String.format(Locale.ROOT, value < 0.1 ? "%.3f" : "%.2f", value);
            case "s" -> String.format(Locale.ROOT, "%.1f", value);
            case "ms" -> value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%,.0f", value);
            default -> String.format(Locale.ROOT, "%,.0f", value);
        };
    }

    public String medianText() {
        return measured() ? format(median()) : "—";
    }

    public String spreadText() {
        if (!measured()) {
            return note != null ? note : "not measured";
        }
        String spread = runs.size() == 1 ? "(1 run)" : format(Stats.min(runs)) + " – " + format(Stats.max(runs));
        return note == null ? spread : spread + " (" + note + ")";
    }
}
