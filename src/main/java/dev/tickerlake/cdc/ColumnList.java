package dev.tickerlake.cdc;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * A row's columns by name in column order, backed by an array: what {@link StreamingRowReader} builds instead of a
 * {@code LinkedHashMap} (a row is written once and read in order; lookups by name are few: the key's columns, which
 * come first). Names are distinct; read-only.
 */
final class ColumnList extends AbstractMap<String, Column> {

    private final Column[] columns;
    private final int size;

    ColumnList(Column[] columns, int size) {
        this.columns = columns;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Column get(Object name) {
        for (int i = 0; i < size; i++) {
            if (columns[i].name().equals(name)) {
                return columns[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public Collection<Column> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Column> iterator() {
                return new ArrayIterator<>(c -> c);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public Set<Map.Entry<String, Column>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Column>> iterator() {
                return new ArrayIterator<>(c -> Map.entry(c.name(), c));
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private final class ArrayIterator<T> implements Iterator<T> {
        private final Function<Column, T> view;
        private int next;

        ArrayIterator(Function<Column, T> view) {
            this.view = view;
        }

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public T next() {
            if (next >= size) {
                throw new NoSuchElementException();
            }
            return view.apply(columns[next++]);
        }
    }
}
