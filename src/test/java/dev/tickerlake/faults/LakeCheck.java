package dev.tickerlake.faults;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.tickerlake.lake.TimeTravelService;
import org.apache.paimon.catalog.Catalog;
import org.apache.paimon.catalog.CatalogContext;
import org.apache.paimon.catalog.CatalogFactory;
import org.apache.paimon.catalog.Identifier;
import org.apache.paimon.data.InternalRow;
import org.apache.paimon.data.Timestamp;
import org.apache.paimon.options.CatalogOptions;
import org.apache.paimon.options.Options;
import org.apache.paimon.reader.RecordReader;
import org.apache.paimon.table.Table;
import org.apache.paimon.table.source.ReadBuilder;
import org.apache.paimon.types.DataField;
import org.apache.paimon.types.RowType;

/**
 * Reads database {@code upbit} (tables ticker, trade, orderbook) with Paimon's own Java API, every row at the latest
 * snapshot, and compares with a {@link LakeModel}. A table that does not exist (yet) holds none of its rows: they count
 * as lost. A DOUBLE column equals the model's decimal when {@code BigDecimal.valueOf(double)} compares equal to it
 * (the generator writes each double's shortest decimal form, so this is exact).
 */
public final class LakeCheck {

    public static final String DATABASE = "upbit";
    private static final int MAX_EXAMPLES = 10;

    private LakeCheck() {
    }

    /** A catalog over the warehouse (e.g. {@code s3://paimon/warehouse}) with tickerlake's own S3 catalog options. */
    public static Catalog s3Catalog(String s3Endpoint, String accessKey, String secretKey, String warehouse) {
        Map<String, String> options = new HashMap<>(
                TimeTravelService.catalogOptions(warehouse, s3Endpoint, accessKey, secretKey));
        return catalog(options);
    }

    /** A catalog with these options; the catalog cache is off, so each read sees the latest snapshot. */
    public static Catalog catalog(Map<String, String> catalogOptions) {
        Map<String, String> options = new HashMap<>(catalogOptions);
        options.put(CatalogOptions.CACHE_ENABLED.key(), "false");
        return CatalogFactory.createCatalog(CatalogContext.create(Options.fromMap(options)));
    }

    public static Discrepancies compare(LakeModel model, Catalog catalog) {
        int lost = 0;
        int duplicated = 0;
        int wrong = 0;
        int extra = 0;
        List<String> examples = new ArrayList<>();
        for (String tableName : LakeModel.TABLES) {
            Map<String, LakeModel.ExpectedRow> expected = model.rows(tableName);
            Table table;
            try {
                table = catalog.getTable(Identifier.create(DATABASE, tableName));
            } catch (Catalog.TableNotExistException e) {
                lost += expected.size();
                if (!expected.isEmpty()) {
                    example(examples, DATABASE + "." + tableName + " does not exist: " + expected.size() + " rows lost");
                }
                continue;
            }
            Set<String> seen = new HashSet<>();
            RowType rowType = table.rowType();
            Columns columns = new Columns(rowType, tableName);
            ReadBuilder readBuilder = table.newReadBuilder();
            int[] counts = new int[4];
            try (RecordReader<InternalRow> reader = readBuilder.newRead().createReader(readBuilder.newScan().plan())) {
                reader.forEachRemaining(row -> {
                    String key = columns.key(row);
                    LakeModel.ExpectedRow want = expected.get(key);
                    if (want == null) {
                        counts[3]++;
                        example(examples, tableName + " " + key + ": extra row");
                        return;
                    }
                    if (!seen.add(key)) {
                        counts[1]++;
                        example(examples, tableName + " " + key + ": read more than once");
                        return;
                    }
                    String difference = columns.difference(row, want);
                    if (difference != null) {
                        counts[2]++;
                        example(examples, tableName + " " + key + ": " + difference + " (model from line " + want.line() + ")");
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + DATABASE + "." + tableName + ": " + e, e);
            }
            duplicated += counts[1];
            wrong += counts[2];
            extra += counts[3];
            for (String key : expected.keySet()) {
                if (!seen.contains(key)) {
                    lost++;
                    example(examples, tableName + " " + key + ": lost (line " + expected.get(key).line() + ")");
                }
            }
        }
        return new Discrepancies(model.expectedRows(), lost, duplicated, wrong, extra, examples);
    }

    /**
     * Polls {@link #compare} (about once a second) until it finds none or the timeout passes; returns the last result,
     * so a failure shows the counts. A read that fails (e.g. a file compacted away under it) is retried; if no read
     * ever succeeded the last failure is thrown.
     */
    public static Discrepancies awaitMatch(LakeModel model, Supplier<Catalog> catalog, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Discrepancies last = null;
        RuntimeException failure = null;
        while (true) {
            try {
                last = compare(model, catalog.get());
                failure = null;
                if (last.none()) {
                    return last;
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            if (System.nanoTime() >= deadline) {
                if (last == null) {
                    throw failure;
                }
                return last;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last != null ? last : new Discrepancies(model.expectedRows(), model.expectedRows(), 0, 0, 0,
                        List.of("interrupted before the first read"));
            }
        }
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(text);
        }
    }

    /** Where the key, timestamp and checked columns are in a table's rows, and how to read them. */
    private static final class Columns {
        private final String table;
        private final InternalRow.FieldGetter market;
        private final InternalRow.FieldGetter dt;
        private final InternalRow.FieldGetter sequentialId;
        private final InternalRow.FieldGetter timestamp;
        private final Map<String, InternalRow.FieldGetter> values = new HashMap<>();

        Columns(RowType rowType, String table) {
            this.table = table;
            this.market = getter(rowType, "market");
            this.dt = getter(rowType, "dt");
            this.sequentialId = table.equals("trade") ? getter(rowType, "sequential_id") : null;
            this.timestamp = getter(rowType, "timestamp");
            List<String> checked = switch (table) {
                case "ticker" -> List.of("price", "change_rate");
                case "trade" -> List.of("trade_price");
                default -> List.of("ask_price_1", "bid_price_1");
            };
            for (String column : checked) {
                values.put(column, getter(rowType, column));
            }
        }

        private static InternalRow.FieldGetter getter(RowType rowType, String name) {
            int index = rowType.getFieldIndex(name);
            if (index < 0) {
                return null;
            }
            DataField field = rowType.getFields().get(index);
            return InternalRow.createFieldGetter(field.type(), index);
        }

        String key(InternalRow row) {
            String m = String.valueOf(value(market, row));
            String d = String.valueOf(value(dt, row));
            return sequentialId == null ? m + "|" + d : m + "|" + value(sequentialId, row) + "|" + d;
        }

        /** What differs from the model, or null. */
        String difference(InternalRow row, LakeModel.ExpectedRow want) {
            Object ts = value(timestamp, row);
            Long millis = ts instanceof Timestamp t ? Long.valueOf(t.getMillisecond())
                    : ts instanceof Number n ? Long.valueOf(n.longValue()) : null;
            if (millis == null || millis != want.timestamp()) {
                return (millis != null && millis < want.timestamp() ? "stale" : "other") + " timestamp " + millis
                        + ", model " + want.timestamp();
            }
            for (Map.Entry<String, BigDecimal> e : want.values().entrySet()) {
                InternalRow.FieldGetter getter = values.get(e.getKey());
                Object actual = getter == null ? null : value(getter, row);
                BigDecimal decimal = decimal(actual);
                if (decimal == null || decimal.compareTo(e.getValue()) != 0) {
                    return e.getKey() + " " + (getter == null ? "(no such column)" : actual) + ", model "
                            + e.getValue().toPlainString();
                }
            }
            return null;
        }

        private static Object value(InternalRow.FieldGetter getter, InternalRow row) {
            if (getter == null) {
                return null;
            }
            Object v = getter.getFieldOrNull(row);
            return v instanceof org.apache.paimon.data.BinaryString s ? s.toString() : v;
        }

        private static BigDecimal decimal(Object value) {
            if (value instanceof Double d) {
                return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            } else if (value instanceof Float f) {
                return Float.isFinite(f) ? new BigDecimal(Float.toString(f)) : null;
            } else if (value instanceof org.apache.paimon.data.Decimal d) {
                return d.toBigDecimal();
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return BigDecimal.valueOf(((Number) value).longValue());
            } else if (value instanceof String s) {
                try {
                    return new BigDecimal(s.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "Columns[" + table + "]";
        }
    }
}
