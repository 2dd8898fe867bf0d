package io.raftlite.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.raftlite.core.store.StoreObserver;
import jakarta.inject.Singleton;

/** The store's observer: Micrometer's timers when metrics are on, {@link StoreObserver#NONE} when off. */
@Factory
class MetricsFactory {

    @Singleton
    StoreObserver storeObserver(BeanProvider<MeterRegistry> registry) {
        return registry.isPresent() ? new MicrometerStoreObserver(registry.get()) : StoreObserver.NONE;
    }
}
