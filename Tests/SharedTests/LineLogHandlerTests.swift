import Foundation
import Logging
import Synchronization
import Testing

@testable import Shared

@Suite("Log lines")
struct LineLogHandlerTests {
    /// A logger whose lines land in memory, one string per write.
    final class Capture: Sendable {
        private let written = Mutex<[String]>([])
        var lines: [String] { written.withLock { $0 } }

        func logger(_ format: LogFormat, level: Logger.Level = .info) -> Logger {
            var logger = Logger(label: "resource-server") { label in
                LineLogHandler(label: label, format: format) { data in
                    self.written.withLock { $0.append(String(decoding: data, as: UTF8.self)) }
                }
            }
            logger.logLevel = level
            return logger
        }
    }

    @Test("text: time, level, label, message, then the metadata sorted, the call's over the handler's")
    func text() throws {
        let capture = Capture()
        var logger = capture.logger(.text)
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "tool"] = "from-handler"
        logger.warning("audit entries could not be stored", metadata: ["tool": "whoami", "count": "3"])
        let line = try #require(capture.lines.first)
        let match = try #require(line.wholeMatch(of: /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (.*)\n/))
        #expect(match.2 == "warning resource-server: audit entries could not be stored count=3 hb.request.id=42 tool=whoami")
    }

    @Test("text: hostile values and messages stay on one line and cannot pass for another field")
    func hostileText() throws {
        let capture = Capture()
        let logger = capture.logger(.text)
        logger.error("failed\n2026-01-01T00:00:00.000Z info forged: line", metadata: ["tool": "a b=c \"d\"\nforged", "empty": ""])
        let line = try #require(capture.lines.first)
        #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"))
        #expect(line.contains(#": failed\n2026-01-01T00:00:00.000Z info forged: line empty="" tool="a b=c \"d\"\nforged""#))
    }

    @Test("json: one object per line, every metadata value a string, the call's over the handler's")
    func json() throws {
        let capture = Capture()
        var logger = capture.logger(.json)
        logger[metadataKey: "tool"] = "from-handler"
        logger.info("tool failed\nagain", metadata: ["tool": "whoami", "count": .stringConvertible(3)])
        let line = try #require(capture.lines.first)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "tool failed\nagain" && object["level"] == "info" && object["label"] == "resource-server")
        #expect(object["tool"] == "whoami" && object["count"] == "3")
        #expect(object["ts"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }

    @Test("events below the level write nothing; setting metadata alone writes nothing")
    func quiet() {
        let capture = Capture()
        var logger = capture.logger(.text, level: .warning)
        logger[metadataKey: "hb.request.id"] = "1"
        logger.info("routine")
        #expect(capture.lines.isEmpty)
        logger.warning("unusual")
        #expect(capture.lines.count == 1)
    }
}
