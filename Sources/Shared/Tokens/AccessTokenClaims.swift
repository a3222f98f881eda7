/// The claims of a Gatehouse access token: RFC 9068 §2.2 plus our grant (`sid`), tenant (`tid`) and the
/// person's role and company, which the resource-server needs to decide what a tool may show.
public struct AccessTokenClaims: Decodable, JSONObjectWritable, Sendable, Equatable {
    public var issuer: String
    public var subject: String
    /// Exactly the tenant's MCP resource URL (RFC 8707, RFC 9068 §3).
    public var audience: String
    public var clientID: String
    /// Space-separated scope tokens (RFC 6749 §3.3).
    public var scope: String
    public var issuedAt: Int64
    public var notBefore: Int64
    public var expiresAt: Int64
    public var tokenID: String
    /// The grant this token was issued under; revoking it ends every token of the grant.
    public var grantID: String
    public var tenantID: String
    public var authTime: Int64?
    public var acr: String?
    public var amr: [String]?
    public var role: String?
    public var company: String?
    /// The person's sign-in email (the OIDC claim of that name): how the service desk names assignees.
    public var email: String?
    /// `service_account` when the subject is a service account, not a person (docs/tokens.md § Service accounts).
    public var subjectType: String?
    /// A service account's name, for whoami and the audit.
    public var name: String?

    public init(
        issuer: String, subject: String, audience: String, clientID: String, scope: String,
        issuedAt: Int64, notBefore: Int64? = nil, expiresAt: Int64, tokenID: String, grantID: String, tenantID: String,
        authTime: Int64? = nil, acr: String? = nil, amr: [String]? = nil, role: String? = nil, company: String? = nil,
        email: String? = nil, subjectType: String? = nil, name: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.clientID = clientID
        self.scope = scope
        self.issuedAt = issuedAt
        self.notBefore = notBefore ?? issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
        self.grantID = grantID
        self.tenantID = tenantID
        self.authTime = authTime
        self.acr = acr
        self.amr = amr
        self.role = role
        self.company = company
        self.email = email
        self.subjectType = subjectType
        self.name = name
    }

    /// The subject is a service account, not a person.
    public var isServiceAccount: Bool { subjectType == "service_account" }

    public var scopes: [String] { scope.utf8.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) } }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", clientID = "client_id", scope
        case issuedAt = "iat", notBefore = "nbf", expiresAt = "exp", tokenID = "jti", grantID = "sid", tenantID = "tid"
        case authTime = "auth_time", acr, amr, role, company, email, subjectType = "subject_type", name
    }

    /// The JWT's payload (RFC 9068 §2.2), and the claims of an active introspection answer.
    public var jsonObject: JSONObjectText {
        var object = JSONObjectText()
        object.add(CodingKeys.issuer.rawValue, issuer)
        object.add(CodingKeys.subject.rawValue, subject)
        object.add(CodingKeys.audience.rawValue, audience)
        object.add(CodingKeys.clientID.rawValue, clientID)
        object.add(CodingKeys.scope.rawValue, scope)
        object.add(CodingKeys.issuedAt.rawValue, issuedAt)
        object.add(CodingKeys.notBefore.rawValue, notBefore)
        object.add(CodingKeys.expiresAt.rawValue, expiresAt)
        object.add(CodingKeys.tokenID.rawValue, tokenID)
        object.add(CodingKeys.grantID.rawValue, grantID)
        object.add(CodingKeys.tenantID.rawValue, tenantID)
        object.add(CodingKeys.authTime.rawValue, authTime)
        object.add(CodingKeys.acr.rawValue, acr)
        object.add(CodingKeys.amr.rawValue, amr)
        object.add(CodingKeys.role.rawValue, role)
        object.add(CodingKeys.company.rawValue, company)
        object.add(CodingKeys.email.rawValue, email)
        object.add(CodingKeys.subjectType.rawValue, subjectType)
        object.add(CodingKeys.name.rawValue, name)
        return object
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decode(String.self, forKey: .issuer)
        subject = try container.decode(String.self, forKey: .subject)
        // RFC 7519 §4.1.3 allows an array; we accept one holding a single audience and nothing else.
        if let list = try? container.decode([String].self, forKey: .audience) {
            guard list.count == 1 else {
                throw DecodingError.dataCorruptedError(forKey: .audience, in: container, debugDescription: "aud must name one resource")
            }
            audience = list[0]
        } else {
            audience = try container.decode(String.self, forKey: .audience)
        }
        clientID = try container.decode(String.self, forKey: .clientID)
        scope = try container.decodeIfPresent(String.self, forKey: .scope) ?? ""
        issuedAt = try container.decode(Int64.self, forKey: .issuedAt)
        notBefore = try container.decodeIfPresent(Int64.self, forKey: .notBefore) ?? issuedAt
        expiresAt = try container.decode(Int64.self, forKey: .expiresAt)
        tokenID = try container.decode(String.self, forKey: .tokenID)
        grantID = try container.decode(String.self, forKey: .grantID)
        tenantID = try container.decode(String.self, forKey: .tenantID)
        authTime = try container.decodeIfPresent(Int64.self, forKey: .authTime)
        acr = try container.decodeIfPresent(String.self, forKey: .acr)
        amr = try container.decodeIfPresent([String].self, forKey: .amr)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        company = try container.decodeIfPresent(String.self, forKey: .company)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        subjectType = try container.decodeIfPresent(String.self, forKey: .subjectType)
        name = try container.decodeIfPresent(String.self, forKey: .name)
    }
}
