import ArgumentParser
import Foundation
import Shared

/// `auth-server admin backup`: an online copy of the auth-server's database (`SQLiteBackup`).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database while the server runs: consistent, checked, readable by its owner only.",
        discussion: """
            The copy holds every write answered before it began. It does not hold the key-encryption key (the data \
            folder's `kek` file, GATEHOUSE_KEK or GATEHOUSE_KEK_FILE), which seals the signing keys and two-step secrets \
            in it: back that up once, separately, and keep it apart from the database copies. README § Backups and \
            restore gives the steps back.
            """)

    @Option(help: "Where to write the copy; must not exist.") var to: String

    func run() async throws {
        let settings = try loadSettings()
        if let location = settings.database {
            CommandLineFailure.exit(
                message: """
                    the store is on PostgreSQL (\(location.redacted)): back it up with the server's own tool, \
                    pg_dump -n \(PostgresAuthStorage.schema) (README § Running on PostgreSQL)
                    """)
        }
        let database = (settings.dataDirectory as NSString).appendingPathComponent(AuthServerEnvironment.databaseFileName)
        do {
            let bytes = try SQLiteBackup.copy(databaseAt: database, to: to)
            writeLine("backed up \(database) to \(to) (\(bytes) bytes, integrity checked)")
            if case .dataFolder = settings.keyEncryptionKey {
                FileHandle.standardError.write(
                    Data("note: the key-encryption key is not in the copy; keep \(KeyEncryptionKey.fileName) from the data folder apart from it\n".utf8))
            }
        } catch let failure as SQLiteBackup.Failure {
            CommandLineFailure.exit(message: failure.description)
        }
    }
}
