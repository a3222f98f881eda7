/// Where pinned Client ID Metadata Documents come from (GATEHOUSE_CIMD_PINNED_DIR; docs/clients.md § Pinned metadata documents).
public enum PinnedDocumentsFolder: Sendable, Equatable {
    /// The copies shipped in the repository, relative to the working directory (Deploy/run starts the
    /// servers from the repository root). A missing folder means no pins: an install elsewhere still runs.
    case shipped
    /// A folder the operator named; it must exist.
    case configured(String)
    /// GATEHOUSE_CIMD_PINNED_DIR set to the empty string: fetch every document.
    case disabled

    public static let shippedPath = "Deploy/cimd-pinned"
}
