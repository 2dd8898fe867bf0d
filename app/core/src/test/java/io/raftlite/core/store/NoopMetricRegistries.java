package io.raftlite.core.store;

import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * TEST-ONLY: Ratis refuses to start without a metrics implementation, and the core pom does not (yet)
 * depend on {@code org.apache.ratis:ratis-metrics-default}. Registered through test-scope
 * {@code META-INF/services}; remove both once the pom adds that dependency (production needs it).
 */
public final class NoopMetricRegistries extends MetricRegistries {

    private static final Timekeeper.Context NO_CONTEXT = () -> 0L;
    private static final LongCounter NO_COUNTER = new LongCounter() {
        @Override
        public void inc(long n) {
        }

        @Override
        public void dec(long n) {
        }

        @Override
        public long getCount() {
            return 0;
        }
    };

    @Override
    public void clear() {
    }

    @Override
    public RatisMetricRegistry create(MetricRegistryInfo info) {
        return new RatisMetricRegistry() {
            @Override
            public Timekeeper timer(String name) {
                return () -> NO_CONTEXT;
            }

            @Override
            public LongCounter counter(String name) {
                return NO_COUNTER;
            }

            @Override
            public boolean remove(String name) {
                return true;
            }

            @Override
            public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) {
            }

            @Override
            public MetricRegistryInfo getMetricRegistryInfo() {
                return info;
            }
        };
    }

    @Override
    public boolean remove(MetricRegistryInfo key) {
        return true;
    }

    @Override
    public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
        return Optional.empty();
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos() {
        return Set.of();
    }

    @Override
    public Collection<RatisMetricRegistry> getMetricRegistries() {
        return List.of();
    }

    @Override
    public void addReporterRegistration(Consumer<RatisMetricRegistry> reporterRegistration,
                                        Consumer<RatisMetricRegistry> stopReporter) {
    }

    @Override
    public void enableJmxReporter() {
    }

    @Override
    public void enableConsoleReporter(TimeDuration consoleReportRate) {
    }
}
