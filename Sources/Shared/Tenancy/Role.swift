/// What a person may see. Admins and technicians see the whole tenant; a company user sees only the
/// records of their own company. Carried in the access token so the resource-server can decide alone.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case technician
    case company
}
