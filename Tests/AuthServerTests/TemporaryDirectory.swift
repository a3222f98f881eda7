import Foundation

/// A fresh folder under the system's temporary directory with a unique name; tests remove it when done.
struct TemporaryDirectory {
    let path: String

    init(creating: Bool = true) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-auth-tests-\(UUID().uuidString)").path
        if creating { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A date on a whole second, so it survives any store's timestamp precision unchanged.
func wholeSecond(_ date: Date = Date()) -> Date {
    Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
}

/// POSIX permission bits of a file.
func permissions(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
}
