import Synchronization

/// A running observation of a store (`GrantStore.observeRevocationAppends`): it runs until `cancel()` is called
/// or the last reference to it goes, whichever engine the store is on.
public final class StoreObservation: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(cancel: @escaping @Sendable () -> Void) {
        onCancel = Mutex(cancel)
    }

    /// Stops the observation; later calls do nothing.
    public func cancel() {
        onCancel.withLock { cancel in
            defer { cancel = nil }
            return cancel
        }?()
    }

    deinit { cancel() }
}
