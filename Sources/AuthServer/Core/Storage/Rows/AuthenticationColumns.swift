import Foundation

/// How a sign-in is kept in the rows that carry one (codes, refresh tokens, device authorizations): `auth_time`,
/// `amr` (the methods, space-separated), `elevated_at` and `elevated_by`.
extension Authentication {
    init(authTime: Date, amr: String, elevatedAt: Date?, elevatedBy: String?) {
        self.init(authTime: authTime, methods: RowLists.words(amr), elevatedAt: elevatedAt, elevatedBy: elevatedBy)
    }

    var amr: String { RowLists.text(methods) }
}
