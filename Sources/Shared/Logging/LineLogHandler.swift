import Foundation
import Logging

/// Writes one line per event to standard error, in the configured format. Callers never put secrets or
/// tokens into metadata, so nothing here filters them.
public struct LineLogHandler: LogHandler {
    /// Where finished lines go; standard error unless a test listens.
    typealias Sink = @Sendable (Data) -> Void

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: LogFormat
    private let sink: Sink

    public init(label: String, format: LogFormat) {
        self.init(label: label, format: format) { FileHandle.standardError.write($0) }
    }

    init(label: String, format: LogFormat, sink: @escaping Sink) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    /// Stored as given: metadata is rendered only when a line is written, because Hummingbird gives every
    /// request's logger a request id and almost none of those loggers ever write.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = LogLine(event: event, label: label, handlerMetadata: metadata)
        switch format {
        case .text: sink(line.text)
        case .json: if let json = line.json { sink(json) }
        }
    }
}
