import Shared
import ToolKit

/// `whoami`: callable with any valid token; tells the caller who the server thinks they are.
enum WhoAmITool {
    static let tool = Tool(
        name: "whoami",
        title: "Who am I",
        description: """
            Returns who this connection acts as: the person's id (subject), their tenant, the client that \
            connected, the scopes granted and the kind of token (for a service account, also its name). Call it \
            to check which account and permissions you are working with before acting.
            """,
        inputSchema: ["type": "object", "properties": [:], "additionalProperties": false],
        outputSchema: [
            "type": "object",
            "properties": [
                "subject": ["type": "string"], "tenant": ["type": "string"], "client_id": ["type": "string"],
                "scopes": ["type": "array", "items": ["type": "string"]],
                "token_kind": ["type": "string", "enum": ["access_token", "pat", "service_account"]],
                "role": ["type": "string"], "company": ["type": "string"], "name": ["type": "string"],
            ],
            "required": ["subject", "tenant", "client_id", "scopes", "token_kind"],
            "additionalProperties": false,
        ],
        module: nil, requiredScopes: [],
        kind: .read
    ) { invocation in
        let claims = invocation.caller.claims
        let scopeList = invocation.caller.scopeList
        var result: [String: JSONValue] = [
            "subject": .string(claims.subject), "tenant": .string(claims.tenantID), "client_id": .string(claims.clientID),
            "scopes": .array(scopeList.map(JSONValue.string)), "token_kind": .string(invocation.caller.tokenKind.rawValue),
        ]
        if let role = claims.role { result["role"] = .string(role) }
        if let company = claims.company { result["company"] = .string(company) }
        if invocation.caller.tokenKind == .serviceAccount, let name = claims.name { result["name"] = .string(name) }
        let scopes = scopeList.isEmpty ? "no scopes" : "scopes " + claims.scope
        return ToolOutput(
            structured: .object(result),
            text: "You are \(claims.name.map { "the service account \"\($0)\", " } ?? "")\(claims.subject) in tenant \(claims.tenantID), connected through \(claims.clientID) with \(scopes) (\(invocation.caller.tokenKind.rawValue))."
        )
    }
}
